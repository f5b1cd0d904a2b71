"""The funded projects in Django's admin: for looking things up and fixing texts, never for moving
states. Every state is owned by its *_transition() in projects.services, so state fields (and the
issued documents) are read-only here and nothing can be added or deleted where a state lives."""

from django.contrib import admin

from projects.models import (
    Agreement,
    AgreementTemplate,
    BankAccount,
    CallGrantTerms,
    Grant,
    GrantBudgetLine,
    GrantStateChange,
    Payment,
    Signatory,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GrantStateChangeInline(ReadOnlyInline):
    model = GrantStateChange
    fields = ["at", "old_state", "new_state", "by", "note"]
    readonly_fields = fields


class GrantBudgetLineInline(ReadOnlyInline):
    model = GrantBudgetLine
    fields = ["category", "item", "unit", "quantity", "unit_cost", "own_contribution"]
    readonly_fields = fields


class SignatoryInline(ReadOnlyInline):
    model = Signatory
    fields = ["role", "full_name", "function", "email", "organisation_name", "user"]
    readonly_fields = fields


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["reference_number", "title", "grantee_name", "amount", "state", "call"]
    list_filter = ["state", "grantee_kind", "call"]
    search_fields = ["reference_number", "title", "grantee_name"]
    readonly_fields = [
        "decision",
        "application",
        "call",
        "state",
        "reference_number",
        "amount",
        "grantee_kind",
        "budget_confirmed_at",
        "terminated_reason",
        "created_at",
        "updated_at",
    ]
    exclude = ["search_text"]
    inlines = [GrantBudgetLineInline, SignatoryInline, GrantStateChangeInline]

    def has_add_permission(self, request):
        return False  # grants are made from accepted awards only

    def has_delete_permission(self, request, obj=None):
        return False  # a financial record


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["number", "grant", "version", "state", "issued_at", "countersigned_at"]
    list_filter = ["state"]
    search_fields = ["number", "grant__reference_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # immutable once issued

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["grant", "masked_iban", "holder_name", "owner", "state", "entered_at"]
    list_filter = ["state", "owner"]
    search_fields = ["grant__reference_number", "holder_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["grant", "number", "amount", "condition", "state", "paid_on"]
    list_filter = ["state", "condition"]
    search_fields = ["grant__reference_number", "bank_reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallGrantTerms)
class CallGrantTermsAdmin(admin.ModelAdmin):
    list_display = ["call", "signing_days", "advance_percent", "updated_at"]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ["call", "language", "updated_at"]
    list_filter = ["language"]
    readonly_fields = ["updated_by"]

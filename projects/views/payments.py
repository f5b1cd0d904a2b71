"""Pages of a grant's money: the grantee's bank account; the coordinators' answers to account
changes, payments marked paid, a call's payments (with the accountant's list) and its
finance summary."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from applicants.exports import table_csv_response, table_xlsx_response
from core.pagination import list_page
from grants.views.manage import CoordinatorRequiredMixin, call_get_with_part_counts
from projects.bank_accounts import BankAccountRefused, bank_account_change_answer, bank_account_give
from projects.enums import PREPARING_STATES, BankAccountState
from projects.finance import (
    DEFAULT_PAYMENT_FILTER,
    PAYMENT_FILTERS,
    call_finance,
    payment_list_headers,
    payment_list_rows,
    payments_of_call,
)
from projects.models import BankAccount, Payment
from projects.payment_forms import BankAccountAnswerForm, BankAccountForm, PaidOnForm
from projects.payments import PaymentRefused, payment_mark_paid, payments_mark_paid_bulk
from projects.views.grantee import OwnGrantMixin

PAYMENT_LIST_WIDTHS = (16, 32, 34, 32, 28, 14, 10, 14, 12, 24)

# --- The grantee ----------------------------------------------------------------------------


class BankAccountView(OwnGrantMixin, FormView):
    """The grantee gives (or changes) the account the grant is paid to."""

    template_name = "projects/grantee/bank_account.html"
    form_class = BankAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "grant": self.grant}

    def get_context_data(self, **kwargs):
        # Once the agreement is out, a new account waits for the coordinator.
        is_change = self.grant.state not in PREPARING_STATES
        return super().get_context_data(grant=self.grant, is_change=is_change, **kwargs)

    def form_valid(self, form):
        try:
            account = bank_account_give(
                grant=self.grant,
                iban=form.cleaned_data["iban"],
                holder_name=form.cleaned_data["holder_name"],
                owner=form.cleaned_data["owner"],
                by=self.request.user,
            )
        except BankAccountRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        if account.state == BankAccountState.IN_USE:
            messages.success(self.request, _("The account is saved: the grant will be paid to it."))
        else:
            messages.success(
                self.request,
                _(
                    "The change is sent to the coordinator; until they confirm it, the grant is "
                    "paid to the account given before."
                ),
            )
        return redirect(self.grant.get_absolute_url() + "#bank-account")


# --- Coordinators: one grant ----------------------------------------------------------------


class BankAccountAnswerView(CoordinatorRequiredMixin, View):
    """POST: confirm or refuse a change of account."""

    def post(self, request, pk):
        account = get_object_or_404(BankAccount.objects.select_related("grant"), pk=pk)
        form = BankAccountAnswerForm(request.POST)
        back = reverse("projects_manage:grant", kwargs={"pk": account.grant_id}) + "#bank-account"
        if not form.is_valid():
            messages.error(request, _("Choose whether to confirm or refuse the change."))
            return redirect(back)
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            bank_account_change_answer(
                account=account,
                confirm=confirm,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except BankAccountRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(back)
        messages.success(
            request,
            _("The new account is in use; the grantee is told.")
            if confirm
            else _("The change is refused; the grantee is told why."),
        )
        return redirect(back)


class PaymentMarkPaidView(CoordinatorRequiredMixin, View):
    """POST: one instalment paid (date, bank reference)."""

    def post(self, request, pk):
        payment = get_object_or_404(Payment.objects.select_related("grant"), pk=pk)
        form = PaidOnForm(request.POST)
        back = request.POST.get("next") or ""
        if not back.startswith("/manage/"):
            back = reverse("projects_manage:grant", kwargs={"pk": payment.grant_id}) + "#payments"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        try:
            payment_mark_paid(
                payment=payment,
                by=request.user,
                paid_on=form.cleaned_data["paid_on"],
                bank_reference=form.cleaned_data["bank_reference"],
            )
        except PaymentRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(back)
        messages.success(
            request,
            _("Instalment %(number)s of %(reference)s is marked paid; the grantee is told.")
            % {"number": payment.number, "reference": payment.grant.reference_number},
        )
        return redirect(back)


# --- Coordinators: a call -------------------------------------------------------------------


class CallPaymentsView(CoordinatorRequiredMixin, TemplateView):
    """GET: the call's instalments (filtered), or the accountant's list (?export=csv|xlsx).
    POST: the ticked instalments paid on one date, each with its bank reference."""

    template_name = "projects/manage/call_payments.html"

    def _filters(self):
        show = self.request.GET.get("show", DEFAULT_PAYMENT_FILTER)
        if show not in PAYMENT_FILTERS:
            show = DEFAULT_PAYMENT_FILTER
        return show, self.request.GET.get("q", "").strip()[:100]

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            call = call_get_with_part_counts(pk=kwargs["pk"])
            show, query = self._filters()
            rows = payment_list_rows(payments_of_call(call=call, show=show, query=query))
            filename = f"{call.slug}-payments-{timezone.localdate():%Y-%m-%d}.{export}"
            if export == "csv":
                return table_csv_response(payment_list_headers(), rows, filename=filename)
            return table_xlsx_response(
                payment_list_headers(),
                rows,
                filename=filename,
                sheet_title=_("Payments"),
                column_widths=PAYMENT_LIST_WIDTHS,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        show, query = self._filters()
        listed = list_page(
            payments_of_call(call=call, show=show, query=query),
            page_number=self.request.GET.get("page"),
        )
        payments = list(listed["page_obj"].object_list)
        rows = list(zip(payments, payment_list_rows(payments), strict=True))
        return super().get_context_data(
            call=call,
            rows=rows,
            **listed,
            show=show,
            query=query,
            filters=[(key, label) for key, (label, _q) in PAYMENT_FILTERS.items()],
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request, pk):
        call = call_get_with_part_counts(pk=pk)
        back = reverse("projects_manage:payments", kwargs={"pk": call.pk})
        form = PaidOnForm({"paid_on": request.POST.get("paid_on")})
        if not form.is_valid():
            for error in form.errors.get("paid_on", []):
                messages.error(request, error)
            return redirect(back)
        ids = [int(pk) for pk in request.POST.getlist("pay") if pk.isdigit()]
        if not ids:
            messages.error(request, _("Tick the instalments that were paid."))
            return redirect(back)
        payments = Payment.objects.filter(grant__call=call, pk__in=ids).select_related("grant")
        references = {
            payment_id: request.POST.get(f"reference-{payment_id}", "")[:100] for payment_id in ids
        }
        outcome = payments_mark_paid_bulk(
            payments=payments,
            by=request.user,
            paid_on=form.cleaned_data["paid_on"],
            references=references,
        )
        if outcome.paid:
            messages.success(
                request,
                _("Instalments marked paid: %(count)s. The grantees are told.")
                % {"count": len(outcome.paid)},
            )
        for _payment, why in outcome.refused:
            messages.error(request, why)
        return redirect(back)


class CallFinanceView(CoordinatorRequiredMixin, TemplateView):
    """The call's money: awarded, signed, paid, still to pay, budget left (?export=csv|xlsx)."""

    template_name = "projects/manage/call_finance.html"

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            call = call_get_with_part_counts(pk=kwargs["pk"])
            finance = call_finance(call=call)
            headers = [_("Figure"), _("Amount (zł)")]
            rows = [[label, amount] for label, amount in finance.rows()]
            filename = f"{call.slug}-finance-{timezone.localdate():%Y-%m-%d}.{export}"
            if export == "csv":
                return table_csv_response(headers, rows, filename=filename)
            return table_xlsx_response(
                headers,
                rows,
                filename=filename,
                sheet_title=_("Finance summary"),
                column_widths=(30, 18),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        return super().get_context_data(call=call, finance=call_finance(call=call), **kwargs)

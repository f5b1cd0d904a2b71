"""Forms of the applicant's path: who applies, the form's sections, attachments, submitting."""

import contextlib
from decimal import Decimal

from django import forms
from django.forms import formset_factory, inlineformset_factory
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from localflavor.pl.forms import PLNIPField, PLREGONField

from applicants.budget import line_total
from applicants.consents import submission_consents
from applicants.enums import (
    MESSAGE_REQUIRED_OUTCOMES,
    ApplicantKind,
    BudgetCategory,
    FormalCheckOutcome,
)
from applicants.models import ApplicantProfile, Application, GroupMember
from core.forms import AmountField, DeadlineDateField
from core.validators import postcode_normalised
from grants.limits import MAX_BUDGET_LINES, MAX_GROUP_MEMBERS, MAX_SCHEDULE_ROWS
from grants.models import GrantCall, QuestionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    """Who applies. Only the fields of the chosen kind are required."""

    nip = PLNIPField(label=_("NIP"), required=False)
    regon = PLREGONField(label=_("REGON"), required=False)

    class Meta:
        model = ApplicantProfile
        fields = [
            "kind",
            "contact_name",
            "phone",
            "street",
            "postcode",
            "city",
            "date_of_birth",
            "group_name",
            "patron_organisation",
            "organisation_name",
            "krs",
            "nip",
            "regon",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "date_of_birth": DateInput(),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(
                attrs={
                    "autocomplete": "postal-code",
                    "inputmode": "numeric",
                    "placeholder": "00-000",
                }
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    KIND_FIELDS = {
        ApplicantKind.INDIVIDUAL: ["date_of_birth"],
        ApplicantKind.GROUP: ["group_name"],
        ApplicantKind.NGO: ["organisation_name", "krs", "nip", "regon"],
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Letters go to this address: asked of everyone (blank only in older profiles).
        self.fields["street"].required = True
        self.fields["postcode"].required = True

    def clean_postcode(self) -> str:
        return postcode_normalised(self.cleaned_data["postcode"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for field in self.KIND_FIELDS.get(kind, []):
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(
                    field, _("This field is required for the kind of applicant you chose.")
                )
        return cleaned


class GroupMemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["full_name", "age", "is_leader"]


class BaseGroupMemberFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": _("A group can list at most %(num)d members."),
    }

    def __init__(self, *args, require_members: bool = False, **kwargs):
        self.require_members = require_members
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors) or not self.require_members:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("full_name")
        ]
        if len(kept) < 3:
            raise forms.ValidationError(_("An informal group needs at least 3 members."))
        if sum(1 for form in kept if form.cleaned_data.get("is_leader")) != 1:
            raise forms.ValidationError(_("Mark exactly one member as the leader."))

    def member_rows(self) -> list[dict]:
        return [
            {key: form.cleaned_data[key] for key in ("full_name", "age", "is_leader")}
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("full_name")
        ]


# max_num caps the rows offered and, with validate_max, refuses more; absolute_max
# caps how many rows a crafted TOTAL_FORMS makes the server build (Django's default
# is max_num + 1000), while leaving room to show a few rows over the limit again.
GroupMemberFormSet = inlineformset_factory(
    ApplicantProfile,
    GroupMember,
    form=GroupMemberForm,
    formset=BaseGroupMemberFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_GROUP_MEMBERS,
    validate_max=True,
    absolute_max=2 * MAX_GROUP_MEMBERS,
)


class EligibilityForm(forms.Form):
    """The call's yes/no screener; answers are checked by the view, one explanation per failure."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"e{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
                coerce=lambda value: value == "yes",
            )

    def failures(self) -> list:
        return [
            question
            for question in self.questions
            if self.cleaned_data.get(f"e{question.pk}") != question.required_answer
        ]

    def answers(self) -> dict:
        return {
            str(question.pk): {
                "question": question.text,
                "answer": self.cleaned_data.get(f"e{question.pk}"),
            }
            for question in self.questions
        }


def text_section_form(field_names: list[str]) -> type[forms.ModelForm]:
    """A form for some of the application's text fields; nothing is required while drafting."""

    class TextSectionForm(forms.ModelForm):
        class Meta:
            model = Application
            fields = field_names

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                field.required = False
                if isinstance(field.widget, forms.Textarea):
                    field.widget.attrs.update({"rows": 5, "data-char-count": ""})
                if getattr(field, "max_length", None):
                    field.help_text = _("Up to %(count)s characters.") % {"count": field.max_length}
                    field.widget.attrs["data-char-count"] = ""
                if name == "title":
                    field.widget.attrs["autocomplete"] = "off"

    return TextSectionForm


class ScheduleItemForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    activity = forms.CharField(label=_("Activity"), max_length=300)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end can't be before the start."))
        return cleaned


class RowsFormSet(forms.BaseFormSet):
    """Rows of one table of the form; more than max_num is refused beside the table."""

    def rows(self) -> list[dict]:
        """Filled rows not marked for deletion, in order, without the formset's own fields."""
        return [
            {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class ScheduleRowsFormSet(RowsFormSet):
    default_error_messages = {
        "too_many_forms": _(
            "The schedule can have at most %(num)d rows. Join some steps into one row."
        ),
    }


ScheduleFormSet = formset_factory(
    ScheduleItemForm,
    formset=ScheduleRowsFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_SCHEDULE_ROWS,
    validate_max=True,
    absolute_max=2 * MAX_SCHEDULE_ROWS,
)


class BudgetLineForm(forms.Form):
    # The initial value is what a browser sends for the untouched empty row (a select
    # sends its first option); without it that row counts as changed, is validated
    # and every later save of a budget with lines fails on "required" errors.
    category = forms.ChoiceField(
        label=_("Category"), choices=BudgetCategory.choices, initial=BudgetCategory.MATERIALS
    )
    item = forms.CharField(label=_("Item"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("e.g. piece, hour, set"))
    quantity = AmountField(
        label=_("Quantity"),
        money=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    unit_cost = AmountField(
        label=_("Unit cost (zł)"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )
    own_contribution = AmountField(
        label=_("Own contribution (zł)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        required=False,
    )

    def clean_own_contribution(self):
        return self.cleaned_data.get("own_contribution") or Decimal("0")

    def clean(self):
        cleaned = super().clean()
        quantity, unit_cost = cleaned.get("quantity"), cleaned.get("unit_cost")
        own = cleaned.get("own_contribution") or Decimal("0")
        if quantity is not None and unit_cost is not None and own > line_total(quantity, unit_cost):
            self.add_error(
                "own_contribution", _("The own contribution can't be more than the line's total.")
            )
        return cleaned


class BudgetRowsFormSet(RowsFormSet):
    default_error_messages = {
        "too_many_forms": _(
            "The budget can have at most %(num)d lines. Join similar costs into one line."
        ),
    }


BudgetFormSet = formset_factory(
    BudgetLineForm,
    formset=BudgetRowsFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_BUDGET_LINES,
    validate_max=True,
    absolute_max=2 * MAX_BUDGET_LINES,
)


class QuestionsForm(forms.Form):
    """The call's own questions; nothing is required while drafting (submission checks that)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            name = f"q{question.pk}"
            label = question.label
            # Form templates print help text as HTML: the coordinator's hint is escaped.
            hint = escape(question.help_text)
            if question.kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}:
                limit = _("Up to %(count)s characters.") % {"count": question.effective_max_length}
                hint = format_html("{} {}", hint, limit) if hint else escape(limit)
            common = {"label": label, "required": False, "help_text": hint}
            if question.kind == QuestionKind.SHORT_TEXT:
                field = forms.CharField(max_length=question.effective_max_length, **common)
                field.widget.attrs["data-char-count"] = ""
            elif question.kind == QuestionKind.LONG_TEXT:
                field = forms.CharField(
                    max_length=question.effective_max_length,
                    widget=forms.Textarea(attrs={"rows": 5, "data-char-count": ""}),
                    **common,
                )
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(choice, choice) for choice in question.choice_list],
                    widget=forms.RadioSelect,
                    **common,
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
                )
            else:
                field = AmountField(money=False, max_digits=14, decimal_places=2, **common)
                # Stored as text ("185.50"); shown back the reader's way ("185,50").
                stored = self.initial.get(name)
                if isinstance(stored, str):
                    with contextlib.suppress(ArithmeticError):  # not a number: shown as stored
                        self.initial[name] = Decimal(stored)
            if question.required:
                field.label = f"{label} *"
            self.fields[name] = field

    def answers(self) -> dict:
        result = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, Decimal):
                value = str(value)
            result[name[1:]] = value if value not in (None, "") else None
        return result


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    requirement = forms.ModelChoiceField(
        label=_("What is this file?"),
        queryset=None,
        required=False,
        empty_label=_("Other attachment"),
    )

    def __init__(self, *args, call: GrantCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["requirement"].queryset = call.attachment_requirements.all()
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, DOCX, ODT, XLSX or ODS, up to %(mb)s MB; at most %(count)s files."
        ) % {"mb": call.max_attachment_mb, "count": call.max_attachments}
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx,.odt,.xlsx,.ods"


class SubmitForm(forms.Form):
    """The consents required to submit, each a checkbox with the label the applicant reads."""

    def __init__(self, *args, call: GrantCall, applicant_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.consents = submission_consents(call, applicant_kind=applicant_kind)
        for consent in self.consents:
            self.fields[f"consent_{consent['key']}"] = forms.BooleanField(
                label=consent["label"], required=consent["required"]
            )

    def accepted_consents(self) -> list[dict]:
        return [
            {"key": consent["key"], "text": consent["text"]}
            for consent in self.consents
            if self.cleaned_data.get(f"consent_{consent['key']}")
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FormalCheckForm(forms.Form):
    # The coordinator's verbs for the outcomes (FormalCheckOutcome's labels name the result).
    OUTCOME_CHOICES = [
        (FormalCheckOutcome.ACCEPTED, _("Accept for review")),
        (FormalCheckOutcome.CORRECTION, _("Request a correction")),
        (FormalCheckOutcome.REJECTED, _("Reject formally")),
    ]
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when requesting a correction or rejecting: say what and why."),
    )
    correction_deadline = DeadlineDateField(
        label=_("Corrections due"),
        required=False,
        help_text=_(
            "Until 23:59 Polish time on that day. Leave empty for the call's default number of days."
        ),
    )

    def __init__(self, *args, checklist_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist_items = list(checklist_items)
        for item in self.checklist_items:
            self.fields[f"check_{item.pk}"] = forms.BooleanField(label=item.text, required=False)

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome in MESSAGE_REQUIRED_OUTCOMES and not (cleaned.get("message") or "").strip():
            self.add_error(
                "message",
                _("Tell the applicant what to correct or why the application is rejected."),
            )
        if outcome == FormalCheckOutcome.ACCEPTED:
            unticked = [
                item for item in self.checklist_items if not cleaned.get(f"check_{item.pk}")
            ]
            if unticked:
                self.add_error(
                    None,
                    _(
                        "Tick every checklist item before accepting, or request a correction instead."
                    ),
                )
        return cleaned

    def checklist(self) -> list[dict]:
        return [
            {"item": item.text, "ok": bool(self.cleaned_data.get(f"check_{item.pk}"))}
            for item in self.checklist_items
        ]

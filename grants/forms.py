"""Forms coordinators use to design a call, its criteria and its other parts."""

from decimal import Decimal

from django import forms
from django.db import models
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import decimals_as_amounts
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallPart,
    CallQuestion,
    Criterion,
    EligibilityQuestion,
    FormalCheckItem,
    GrantCall,
    QuestionKind,
)

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """A native date-and-time picker; values are in Europe/Warsaw."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


class GrantCallForm(forms.ModelForm):
    class Meta:
        model = GrantCall
        # Amounts, percentages and scores typed with a comma (core.forms.AmountField).
        formfield_callback = decimals_as_amounts("min_amount", "max_amount", "total_budget")
        fields = [
            "programme",
            "title",
            "slug",
            "reference_code",
            "description",
            "eligibility",
            "min_amount",
            "max_amount",
            "total_budget",
            "own_contribution_percent",
            "opens_at",
            "closes_at",
            "min_age",
            "max_age",
            "max_attachments",
            "max_attachment_mb",
            "correction_days",
            "reviewers_per_application",
            "discrepancy_threshold",
            "min_score",
            "final_score_rule",
            "acceptance_days",
            "public_results",
            "privacy_notice",
            "impartiality_declaration",
            "guardian_consent_age",
            "guardian_consents_may_follow",
            "patron_confirmation_required",
            "patron_obligations",
        ]
        widgets = {
            "opens_at": DateTimeLocalInput(),
            "closes_at": DateTimeLocalInput(),
            # The limits come from the model; the counter shows how much is left.
            "description": forms.Textarea(attrs={"rows": 6, "data-char-count": ""}),
            "eligibility": forms.Textarea(attrs={"rows": 4, "data-char-count": ""}),
            "privacy_notice": forms.Textarea(attrs={"rows": 5, "data-char-count": ""}),
            "impartiality_declaration": forms.Textarea(attrs={"rows": 4, "data-char-count": ""}),
            "patron_obligations": forms.Textarea(attrs={"rows": 4, "data-char-count": ""}),
        }
        help_texts = {
            "opens_at": _("Polish time (Europe/Warsaw)."),
            "closes_at": _(
                "Polish time (Europe/Warsaw). Applications are refused from this moment on."
            ),
        }

    def __init__(self, *args, publish: bool = False, **kwargs):
        self.publish = publish
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page, a script) keeps the model's default.
        self.fields["guardian_consent_age"].required = False

    def clean_guardian_consent_age(self):
        value = self.cleaned_data.get("guardian_consent_age")
        if value in (None, ""):
            return self.instance.guardian_consent_age or 18
        return value

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The call must close after it opens."))
        elif self.publish and closes_at and closes_at <= timezone.now():
            self.add_error(
                "closes_at",
                _("The deadline has already passed; set a closing moment in the future."),
            )
        min_amount, max_amount = cleaned.get("min_amount"), cleaned.get("max_amount")
        if min_amount is not None and max_amount is not None and max_amount < min_amount:
            self.add_error(
                "max_amount", _("The maximum amount can't be lower than the minimum amount.")
            )
        min_age, max_age = cleaned.get("min_age"), cleaned.get("max_age")
        if min_age is not None and max_age is not None and max_age < min_age:
            self.add_error("max_age", _("The maximum age can't be lower than the minimum age."))
        budget = cleaned.get("total_budget")
        if budget is not None and max_amount is not None and max_amount > budget:
            self.add_error(
                "max_amount", _("The maximum amount can't be higher than the call's total budget.")
            )
        return cleaned


class OrderedRowForm(forms.ModelForm):
    """A row of an ordered inline formset; `main_field` is the input that says the row is used.

    static/js/formset.js numbers only the rows whose main input is filled in,
    so an untouched extra row stays empty and is ignored.
    """

    main_field: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.main_field].widget.attrs["data-formset-main"] = True


class CriterionForm(OrderedRowForm):
    main_field = "name"

    class Meta:
        model = Criterion
        formfield_callback = decimals_as_amounts()  # the weight, typed with a comma
        fields = ["name", "guidance", "max_points", "weight"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2, "data-char-count": ""})}

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= Decimal("0"):
            raise forms.ValidationError(_("The weight must be greater than 0."))
        return weight


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset (can_order, can_delete) whose rows the coordinator puts in order."""

    def kept_forms(self) -> list[forms.Form]:
        """Filled-in forms not marked for deletion, in the order the coordinator set."""
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        return sorted(
            kept,
            key=lambda form: (
                form.cleaned_data.get("ORDER") is None,
                form.cleaned_data.get("ORDER") or 0,
                self.forms.index(form),
            ),
        )

    def forms_in_order(self) -> list[forms.Form]:
        """Every form, in the order the coordinator last arranged them on the page.

        A page shown again with errors must not jump back to the old order:
        sort by the "Order" numbers that were sent, empty ones last.
        """
        if not self.is_bound:
            return list(self.forms)

        def sent_order(indexed: tuple[int, forms.Form]) -> tuple[bool, int, int]:
            index, form = indexed
            try:
                order = int(form["ORDER"].value())
            except (TypeError, ValueError):
                return (True, 0, index)
            return (False, order, index)

        return [form for _, form in sorted(enumerate(self.forms), key=sent_order)]

    def deleted_instances(self) -> list[models.Model]:
        """Saved rows the coordinator marked for deletion."""
        return [form.instance for form in self.deleted_forms if form.instance.pk]


class BaseCriterionFormSet(OrderedInlineFormSet):
    def __init__(self, *args, require_criteria: bool = False, **kwargs):
        self.require_criteria = require_criteria
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if self.require_criteria and not self.kept_forms():
            raise forms.ValidationError(
                _("Add at least one scoring criterion before publishing the call."),
                code="no_criteria",
            )


CriterionFormSet = inlineformset_factory(
    GrantCall,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
)


# --- The call's own parts: screener, questions, attachments, checklist ------------
# One form per model (their fields differ); the formset class, the view and the
# templates are shared (see CALL_PARTS in grants/views/manage.py).


class EligibilityQuestionForm(OrderedRowForm):
    main_field = "text"

    class Meta:
        model = EligibilityQuestion
        fields = ["text", "required_answer", "failure_explanation"]
        widgets = {"failure_explanation": forms.Textarea(attrs={"rows": 2})}


TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


class CallQuestionForm(OrderedRowForm):
    main_field = "label"

    class Meta:
        model = CallQuestion
        fields = ["label", "kind", "required", "max_length", "help_text", "choices"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        # Choices and a character limit that don't fit the kind are refused rather
        # than silently dropped: the coordinator may have picked the wrong kind,
        # and nothing they typed should disappear without a word.
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        options = [line.strip() for line in cleaned.get("choices", "").splitlines()]
        options = [option for option in options if option]
        if kind == QuestionKind.CHOICE:
            if len(options) < 2:
                self.add_error(
                    "choices",
                    forms.ValidationError(
                        _("A single-choice question needs at least two options, one per line."),
                        code="too_few_choices",
                    ),
                )
            elif len(set(options)) < len(options):
                self.add_error(
                    "choices",
                    forms.ValidationError(
                        _("Each option must be different."), code="duplicate_choices"
                    ),
                )
            else:
                cleaned["choices"] = "\n".join(options)
        elif options:
            self.add_error(
                "choices",
                forms.ValidationError(
                    _(
                        "Options are only for a single-choice question; clear them or change the kind of answer."
                    ),
                    code="choices_not_allowed",
                ),
            )
        if kind not in TEXT_KINDS and cleaned.get("max_length") is not None:
            self.add_error(
                "max_length",
                forms.ValidationError(
                    _(
                        "A character limit is only for text answers; clear it or change the kind of answer."
                    ),
                    code="max_length_not_allowed",
                ),
            )
        return cleaned


class AttachmentRequirementForm(OrderedRowForm):
    main_field = "name"

    class Meta:
        model = AttachmentRequirement
        fields = ["name", "description", "required"]


class FormalCheckItemForm(OrderedRowForm):
    main_field = "text"

    class Meta:
        model = FormalCheckItem
        fields = ["text"]


class CallIndicatorForm(OrderedRowForm):
    main_field = "name"

    class Meta:
        model = CallIndicator
        fields = ["name", "unit", "help_text"]


def call_part_formset(
    model: type[CallPart], form: type[OrderedRowForm], *, max_rows: int | None = None
):
    """The formset class that edits every row of one part of a call on one page.

    `max_rows` stops the page offering more rows (formset.js reads MAX_NUM_FORMS);
    call_parts_save refuses more with a message beside the rows.
    """
    return inlineformset_factory(
        GrantCall,
        model,
        form=form,
        formset=OrderedInlineFormSet,
        extra=1,
        can_delete=True,
        can_order=True,
        max_num=max_rows,
    )


class CallCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

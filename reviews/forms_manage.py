"""Forms of the coordinator's review pages: inviting reviewers, assigning them, reopening reviews."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.deadlines import deadline_in
from core.forms import DeadlineDateField

# Addresses are separated by new lines, commas, semicolons or spaces (none is valid inside one).
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")
AUTO_ASSIGN_DAYS = 14


class PoolInviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "One address per line, or separated by commas. People who already have an "
            "account join the pool at once; everyone else gets an invitation link by e-mail."
        ),
    )

    def clean_emails(self) -> list[str]:
        """Every address, once (case aside), in the order typed; refuses all if one is invalid."""
        addresses: dict[str, str] = {}
        invalid = []
        for address in ADDRESS_SEPARATORS.split(self.cleaned_data["emails"]):
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                invalid.append(address)
            else:
                addresses.setdefault(address.lower(), address)
        if invalid:
            raise ValidationError(
                ngettext(
                    "This address is not valid: %(addresses)s. Nobody was invited.",
                    "These addresses are not valid: %(addresses)s. Nobody was invited.",
                    len(invalid),
                )
                % {"addresses": ", ".join(invalid)},
                code="invalid_email",
            )
        if not addresses:
            raise ValidationError(_("Enter at least one e-mail address."), code="required")
        return list(addresses.values())


class DueDateField(DeadlineDateField):
    """The day reviews are due: until 23:59 Polish time that day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reviews due"))
        super().__init__(**kwargs)


class AutoAssignForm(forms.Form):
    due_at = DueDateField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"due_at": deadline_in(AUTO_ASSIGN_DAYS)})
        super().__init__(*args, **kwargs)


class ReviewerChoiceForm(forms.Form):
    """Choose a reviewer from `offered`; anyone in `reviewers` is accepted, for the service to judge.

    The list offers only those who may review the application, but the field
    accepts every pool member not yet on it: when the page was stale (someone
    declared a conflict meanwhile), the coordinator then reads the service's
    reason beside the field instead of a bare "invalid choice".
    """

    reviewer = forms.ModelChoiceField(queryset=None, label=_("Reviewer"))

    def __init__(self, *args, reviewers, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.offer(offered)

    def offer(self, users) -> None:
        """Set whom the list shows (the choices offered, not the ones accepted)."""
        self.fields["reviewer"].widget.choices = [("", "—")] + [
            (user.pk, reviewer_label(user)) for user in users
        ]


def reviewer_label(user) -> str:
    return f"{user.display_name} <{user.email}>" if user.full_name else user.email


class AssignmentAddForm(ReviewerChoiceForm):
    due_at = DueDateField(label=_("Review due"))


class AssignmentReplaceForm(ReviewerChoiceForm):
    def __init__(self, *args, replacing, **kwargs):
        super().__init__(*args, **kwargs)
        # Named, since every row of the table has a form like this one.
        self.fields["reviewer"].label = _("Replace %(name)s with") % {
            "name": replacing.display_name
        }


class ReviewReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is reopened (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail below."),
    )


class ReviewCorrectionForm(forms.Form):
    """A coordinator's correction of a submitted review: every criterion again, and why."""

    reason = forms.CharField(
        label=_("Why is the review corrected?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the audit trail with your name and the old values, and with the corrected letter."
        ),
    )

    def __init__(self, *args, criteria, review, **kwargs):
        if "initial" not in kwargs:
            scores = {score.criterion_id: score for score in review.scores.all()}
            kwargs["initial"] = {}
            for criterion in criteria:
                score = scores.get(criterion.pk)
                kwargs["initial"][f"points_{criterion.pk}"] = score.points if score else None
                kwargs["initial"][f"justification_{criterion.pk}"] = (
                    score.justification if score else ""
                )
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            fields[f"points_{criterion.pk}"] = forms.IntegerField(
                label=_("Points for “%(name)s” (0–%(max)s)")
                % {"name": criterion.name, "max": criterion.max_points},
                min_value=0,
                max_value=criterion.max_points,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "min_value": _("Give from 0 to %(max)s points.")
                    % {"max": criterion.max_points},
                    "max_value": _("Give from 0 to %(max)s points.")
                    % {"max": criterion.max_points},
                },
            )
            fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=_("Justification for “%(name)s”") % {"name": criterion.name},
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields = {**fields, **self.fields}

    def criterion_rows(self) -> list[dict]:
        return [
            {
                "criterion": criterion,
                "points": self[f"points_{criterion.pk}"],
                "justification": self[f"justification_{criterion.pk}"],
            }
            for criterion in self.criteria
        ]

    def service_scores(self) -> dict[int, dict]:
        """The cleaned scores in the shape reviews.services.review_correct takes."""
        return {
            criterion.pk: {
                "points": self.cleaned_data[f"points_{criterion.pk}"],
                "justification": self.cleaned_data[f"justification_{criterion.pk}"],
            }
            for criterion in self.criteria
        }

"""Forms of the reviewer's pages: the declaration of impartiality and the review itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import Criterion
from reviews.enums import Recommendation
from reviews.models import Review


class DeclarationForm(forms.Form):
    """Impartial, or a conflict of interest with its reason (the reason only for a conflict)."""

    IMPARTIAL = "impartial"
    CONFLICT = "conflict"

    declare = forms.ChoiceField(
        choices=[(IMPARTIAL, _("Impartial")), (CONFLICT, _("Conflict of interest"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        required=False,
        max_length=2000,
        # Required for a conflict only; the server says so beside the field.
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text=_("Only the programme coordinators read this."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("declare") == self.CONFLICT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say briefly what the conflict of interest is."))
        return cleaned

    @property
    def impartial(self) -> bool:
        return self.cleaned_data["declare"] == self.IMPARTIAL


def points_field_name(criterion: Criterion) -> str:
    return f"points_{criterion.pk}"


def justification_field_name(criterion: Criterion) -> str:
    return f"justification_{criterion.pk}"


class ReviewForm(forms.Form):
    """The review: points and a justification per criterion of the call, then the overall verdict.

    Nothing is required here so that a draft can be saved at any moment; what a
    submitted review needs is checked by reviews.services.review_submit, whose
    errors use these same field names.
    """

    comment_for_applicant = forms.CharField(
        label=_("Comment for the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "data-char-count": ""}),
        help_text=_("The applicant will read this, without your name."),
    )
    note_for_committee = forms.CharField(
        label=_("Note for the committee only"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "data-char-count": ""}),
        help_text=_("Never shown to the applicant."),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, criteria: list[Criterion], review: Review | None = None, **kwargs):
        if review is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(review)
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        criterion_fields = {}
        for criterion in criteria:
            criterion_fields[points_field_name(criterion)] = forms.IntegerField(
                label=_("Points for “%(name)s” (0–%(max)s)")
                % {"name": criterion.name, "max": criterion.max_points},
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                help_text=criterion.guidance,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": criterion.max_points,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "review-points",
                        # Read by static/js/review-total.js for the live total.
                        "data-max": str(criterion.max_points),
                        "data-weight": str(criterion.weight),
                    }
                ),
                error_messages={
                    "min_value": _("Give from 0 to %(max)s points.")
                    % {"max": criterion.max_points},
                    "max_value": _("Give from 0 to %(max)s points.")
                    % {"max": criterion.max_points},
                    "invalid": _("Give a whole number of points."),
                },
            )
            criterion_fields[justification_field_name(criterion)] = forms.CharField(
                label=_("Justification for “%(name)s”") % {"name": criterion.name},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 4, "data-char-count": ""}),
                help_text=_("The applicant will read this, without your name."),
            )
        # The criteria come first, in the call's order; the verdict fields after them.
        self.fields = {**criterion_fields, **self.fields}

    @staticmethod
    def initial_from(review: Review) -> dict:
        initial = {
            "comment_for_applicant": review.comment_for_applicant,
            "note_for_committee": review.note_for_committee,
            "recommendation": review.recommendation,
        }
        for score in review.scores.all():
            initial[f"points_{score.criterion_id}"] = score.points
            initial[f"justification_{score.criterion_id}"] = score.justification
        return initial

    def criterion_rows(self) -> list[dict]:
        """Per criterion, its bound fields: the template renders one fieldset each."""
        return [
            {
                "criterion": criterion,
                "points": self[points_field_name(criterion)],
                "justification": self[justification_field_name(criterion)],
            }
            for criterion in self.criteria
        ]

    def service_data(self) -> dict:
        """The cleaned data in the shape reviews.services.review_save takes."""
        data = self.cleaned_data
        return {
            "scores": {
                criterion.pk: {
                    "points": data.get(points_field_name(criterion)),
                    "justification": data.get(justification_field_name(criterion)) or "",
                }
                for criterion in self.criteria
            },
            "comment_for_applicant": data.get("comment_for_applicant") or "",
            "note_for_committee": data.get("note_for_committee") or "",
            "recommendation": data.get("recommendation") or "",
        }

    def draft_data(self) -> dict:
        """What passed validation, in review_save's shape; a refused field is left out.

        For the autosave: the valid rest is saved while a refused field keeps what
        is stored (and the typed text stays in the reviewer's browser).
        """
        data, errors = self.cleaned_data, self.errors
        scores = {}
        for criterion in self.criteria:
            value = {}
            points, justification = (
                points_field_name(criterion),
                justification_field_name(criterion),
            )
            if points not in errors:
                value["points"] = data.get(points)
            if justification not in errors:
                value["justification"] = data.get(justification) or ""
            scores[criterion.pk] = value
        texts = {
            name: data.get(name) or ""
            for name in ("comment_for_applicant", "note_for_committee", "recommendation")
            if name not in errors
        }
        return {"scores": scores, **texts}

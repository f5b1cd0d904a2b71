"""Forms of the reports: the grantee's report (its rows built from the planned activities
and indicators), a photo, the coordinator's check and answer; the call's checklist rows."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grants.forms import OrderedRowForm
from projects.models import NOTE_LENGTH, Report, ReportCheckItem
from projects.report_photos import MAX_PHOTO_MB

DONE_CHOICES = [
    ("yes", pgettext_lazy("activity", "Done")),
    ("partly", _("Partly done")),
    ("no", _("Not done")),
]
MAX_LINKS = 30


def _number_or_blank(value: str) -> str:
    """A number as typed (comma or dot), kept as text; "" when blank."""
    value = (value or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not value:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise forms.ValidationError(_("Enter a number, e.g. 40 or 12,5.")) from None
    if number < 0 or number > 10**9 or not number.is_finite():
        raise forms.ValidationError(_("Enter a number from 0 upwards."))
    return format(number.normalize(), "f")


class ReportForm(forms.Form):
    """The grantee's report on one page: each planned activity and indicator as its own
    fields (activity_<n>_done/comment, indicator_<n>_achieved/comment), what was done, the
    numbers, links, the story, the consent and, per photo, its caption and consent."""

    summary = forms.CharField(
        label=_("What was done"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In a few sentences: what happened, who took part, what changed."),
    )
    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=0, max_value=10**6, required=False
    )
    volunteer_hours = forms.DecimalField(
        label=_("Volunteer hours"),
        min_value=0,
        max_digits=8,
        decimal_places=1,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("All volunteers together, e.g. 5 people × 4 hours = 20."),
    )
    new_indicator_name = forms.CharField(
        label=_("What you achieved"), max_length=200, required=False
    )
    new_indicator_unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    new_indicator_achieved = forms.CharField(
        label=_("Number achieved"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    publicity_links = forms.CharField(
        label=_("Links to publicity"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
        help_text=_("One per line: articles, posts, videos about the project."),
    )
    story = forms.CharField(
        label=_("A short story for the public page"),
        max_length=3_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences anyone can read: what you did and why it mattered."),
    )
    publish_consent = forms.BooleanField(
        label=_("We agree to publish the story, the results and the photos marked for publication"),
        required=False,
    )

    def __init__(self, *args, report: Report, photos=(), **kwargs):
        self.report = report
        self.photos = list(photos)
        initial = {
            "summary": report.summary,
            "participants": report.participants,
            "volunteer_hours": report.volunteer_hours,
            "publicity_links": report.publicity_links,
            "story": report.story,
            "publish_consent": report.publish_consent,
        }
        self.added_indicator = self._added_indicator(report)
        if self.added_indicator is not None:
            initial.update(
                new_indicator_name=self.added_indicator.get("name", ""),
                new_indicator_unit=self.added_indicator.get("unit", ""),
                new_indicator_achieved=self.added_indicator.get("achieved", ""),
            )
        super().__init__(*args, initial=initial, **kwargs)
        for index, row in enumerate(report.activities):
            self.fields[f"activity_{index}_done"] = forms.ChoiceField(
                label=_("Was it done?"),
                choices=DONE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=row.get("done") or None,
            )
            self.fields[f"activity_{index}_comment"] = forms.CharField(
                label=_("Comment"),
                max_length=1_000,
                required=False,
                initial=row.get("comment", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for index, row in enumerate(self.planned_indicators):
            self.fields[f"indicator_{index}_achieved"] = forms.CharField(
                label=_("Achieved"),
                max_length=20,
                required=False,
                initial=row.get("achieved", ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"indicator_{index}_comment"] = forms.CharField(
                label=_("Comment"), max_length=500, required=False, initial=row.get("comment", "")
            )
        for photo in self.photos:
            self.fields[f"photo_{photo.pk}_caption"] = forms.CharField(
                label=_("Caption"), max_length=300, required=False, initial=photo.caption
            )
            self.fields[f"photo_{photo.pk}_consent"] = forms.BooleanField(
                label=_("May be published (everyone in it agreed)"),
                required=False,
                initial=photo.publish_consent,
            )

    @staticmethod
    def _added_indicator(report: Report):
        added = [row for row in report.indicators if row.get("added")]
        return added[0] if added else None

    @property
    def planned_indicators(self) -> list[dict]:
        return [row for row in self.report.indicators if not row.get("added")]

    @property
    def may_add_indicator(self) -> bool:
        return not self.planned_indicators

    def activity_rows(self):
        return [
            (row, self[f"activity_{index}_done"], self[f"activity_{index}_comment"])
            for index, row in enumerate(self.report.activities)
        ]

    def indicator_rows(self):
        return [
            (row, self[f"indicator_{index}_achieved"], self[f"indicator_{index}_comment"])
            for index, row in enumerate(self.planned_indicators)
        ]

    def photo_rows(self):
        return [
            (photo, self[f"photo_{photo.pk}_caption"], self[f"photo_{photo.pk}_consent"])
            for photo in self.photos
        ]

    def clean(self):
        cleaned = super().clean()
        for index in range(len(self.planned_indicators)):
            name = f"indicator_{index}_achieved"
            try:
                cleaned[name] = _number_or_blank(cleaned.get(name, ""))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if self.may_add_indicator:
            try:
                cleaned["new_indicator_achieved"] = _number_or_blank(
                    cleaned.get("new_indicator_achieved", "")
                )
            except forms.ValidationError as error:
                self.add_error("new_indicator_achieved", error)
            if cleaned.get("new_indicator_achieved") and not cleaned.get("new_indicator_name"):
                self.add_error("new_indicator_name", _("Say what the number counts."))
        return cleaned

    def clean_publicity_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["publicity_links"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(
                _("At most %(count)d links, please.") % {"count": MAX_LINKS}
            )
        validate = URLValidator(schemes=["http", "https"])
        wrong = []
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                wrong.append(line)
        if wrong:
            raise forms.ValidationError(
                _("Not a web address (starting with https://): %(links)s")
                % {"links": ", ".join(link[:80] for link in wrong)}
            )
        return "\n".join(lines)

    def answers(self) -> dict:
        """The cleaned answers in the shape projects.reports.report_save keeps."""
        data = self.cleaned_data
        activities = [
            {
                **row,
                "done": data.get(f"activity_{index}_done") or "",
                "comment": data.get(f"activity_{index}_comment", "").strip(),
            }
            for index, row in enumerate(self.report.activities)
        ]
        indicators = [
            {
                **row,
                "achieved": data.get(f"indicator_{index}_achieved", ""),
                "comment": data.get(f"indicator_{index}_comment", "").strip(),
            }
            for index, row in enumerate(self.planned_indicators)
        ]
        if self.may_add_indicator and data.get("new_indicator_name", "").strip():
            indicators.append(
                {
                    "name": data["new_indicator_name"].strip(),
                    "unit": data.get("new_indicator_unit", "").strip(),
                    "planned": "",
                    "achieved": data.get("new_indicator_achieved", ""),
                    "comment": "",
                    "added": True,
                }
            )
        return {
            "activities": activities,
            "indicators": indicators,
            "summary": data.get("summary", "").strip(),
            "participants": data.get("participants"),
            "volunteer_hours": data.get("volunteer_hours"),
            "publicity_links": data.get("publicity_links", ""),
            "story": data.get("story", "").strip(),
            "publish_consent": bool(data.get("publish_consent")),
        }

    def photo_answers(self) -> dict:
        return {
            photo.pk: {
                "caption": self.cleaned_data.get(f"photo_{photo.pk}_caption", "").strip(),
                "publish_consent": bool(self.cleaned_data.get(f"photo_{photo.pk}_consent")),
            }
            for photo in self.photos
        }


class ReportPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPG or PNG, up to %(size)d MB.") % {"size": MAX_PHOTO_MB},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    publish_consent = forms.BooleanField(
        label=_("May be published (everyone in it agreed)"), required=False
    )


class ReportCorrectionsForm(forms.Form):
    message = forms.CharField(
        label=_("What to correct"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    deadline = forms.DateField(
        label=_("Corrections due"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class ReportAcceptForm(forms.Form):
    partly = forms.BooleanField(label=_("Accept only in part"), required=False)
    note = forms.CharField(
        label=_("What is not accepted, and why"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportCheckItemForm(OrderedRowForm):
    main_field = "text"

    class Meta:
        model = ReportCheckItem
        fields = ["text"]


class ReportCheckForm(forms.Form):
    """The coordinator's check: a tick per checklist item (check_<n>) and, per document, the
    part not eligible (ineligible_<pk>) with its reason (reason_<pk>)."""

    def __init__(self, *args, checklist: list[dict], documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.documents = list(documents)
        for index, row in enumerate(checklist):
            self.fields[f"check_{index}"] = forms.BooleanField(
                label=row["text"], required=False, initial=row.get("ticked", False)
            )
        for document in self.documents:
            self.fields[f"ineligible_{document.pk}"] = forms.DecimalField(
                label=_("Not eligible (zł)"),
                min_value=0,
                max_digits=12,
                decimal_places=2,
                required=False,
                localize=True,
                initial=document.ineligible_amount or None,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"reason_{document.pk}"] = forms.CharField(
                label=_("Why"),
                max_length=NOTE_LENGTH,
                required=False,
                initial=document.ineligible_reason,
            )

    def checklist_fields(self):
        return [self[f"check_{index}"] for index in range(len(self.checklist))]

    def document_rows(self):
        return [
            (document, self[f"ineligible_{document.pk}"], self[f"reason_{document.pk}"])
            for document in self.documents
        ]

    def ticked(self) -> set[int]:
        return {i for i in range(len(self.checklist)) if self.cleaned_data.get(f"check_{i}")}

    def ineligible(self) -> dict:
        return {
            document.pk: (
                self.cleaned_data.get(f"ineligible_{document.pk}") or Decimal("0"),
                self.cleaned_data.get(f"reason_{document.pk}", ""),
            )
            for document in self.documents
        }

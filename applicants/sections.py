"""The application form's sections, in order: one registry drives the views, progress and links."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    title: str | Promise
    text_fields: list[str] = field(default_factory=list)
    intro: str | Promise = ""

    def url(self, application) -> str:
        if self.slug == "profile":
            return reverse("applicants:profile") + f"?application={application.pk}"
        if self.slug == "attachments":
            return reverse("applicants:attachments", kwargs={"pk": application.pk})
        if self.slug == "submit":
            return reverse("applicants:submit", kwargs={"pk": application.pk})
        return reverse("applicants:section", kwargs={"pk": application.pk, "section": self.slug})


SECTIONS = [
    Section("profile", _("Who applies")),
    Section(
        "basics",
        _("Title and summary"),
        ["title", "summary"],
        _("A short title and a few sentences that say what you want to do, where and for whom."),
    ),
    Section(
        "problem",
        _("Problem and goals"),
        ["problem", "goals", "target_group"],
        _("What problem in your community does the project address, and what will change?"),
    ),
    Section(
        "activities",
        _("Activities and schedule"),
        ["activities"],
        _("What exactly will you do, step by step, and when?"),
    ),
    Section(
        "results",
        _("Results"),
        ["expected_results", "results_measurement"],
        _("What will be different after the project, and how will you know?"),
    ),
    Section(
        "team",
        _("Team"),
        ["team_description"],
        _("Who will do the work, and what have you done before?"),
    ),
    Section(
        "budget",
        _("Budget"),
        intro=_(
            "List every cost. The requested amount is the total cost minus your own contribution."
        ),
    ),
    Section("questions", _("Questions of the call")),
    Section("attachments", _("Attachments")),
    Section("submit", _("Check and submit")),
]

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
FORM_SECTIONS = {"basics", "problem", "activities", "results", "team", "budget", "questions"}


def sections_for(call, *, has_questions: bool) -> list[Section]:
    return [s for s in SECTIONS if s.slug != "questions" or has_questions]

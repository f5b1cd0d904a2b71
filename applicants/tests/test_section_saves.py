"""Two people editing one section never lose text, and the history says who changed what."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.models import SectionSave
from applicants.section_saves import SectionConflict, section_save
from applicants.tests.builders import TEXTS, complete_draft
from applicants.tests.factories import ApplicationMemberFactory
from applicants.tests.test_section_autosave import budget_line, table

pytestmark = pytest.mark.django_db


def section_url(application, section):
    return reverse("applicants:section", args=[application.pk, section])


def autosave_url(application, section):
    return reverse("applicants:section_autosave", args=[application.pk, section])


def based_on(client, application, section) -> str:
    """The revision the section's page is based on, as the browser sends it back."""
    html = client.get(section_url(application, section)).content.decode()
    return re.search(r'name="based_on" value="(\d+)"', html).group(1)


def two_sessions(application) -> tuple[Client, Client]:
    """Two browsers signed in to the same application (its lead on two devices)."""
    first, second = Client(), Client()
    first.force_login(application.applicant)
    second.force_login(application.applicant)
    return first, second


@pytest.fixture
def team():
    """A draft and an editor with a name the history and the panel show."""
    application = complete_draft()
    editor = UserFactory(full_name="Ania Kowalska")
    ApplicationMemberFactory(application=application, user=editor)
    return application, editor


def test_section_save_on_an_old_revision_shows_both_versions_and_loses_nothing():
    application = complete_draft()
    first, second = two_sessions(application)
    base_first = based_on(first, application, "problem")
    base_second = based_on(second, application, "problem")

    response = first.post(
        section_url(application, "problem"),
        {**_problem(goals="Cele od pierwszej osoby"), "based_on": base_first, "go": "stay"},
    )
    assert response.status_code == 302
    response = second.post(
        section_url(application, "problem"),
        {**_problem(goals="Cele od drugiej osoby"), "based_on": base_second, "go": "stay"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Dwie wersje tej sekcji" in html
    assert "Cele od pierwszej osoby" in html  # theirs, read-only
    assert re.search(r"<textarea[^>]*name=\"goals\"[^>]*>\s*Cele od drugiej osoby", html)  # mine
    assert 'name="conflict_goals"' in html
    assert 'name="conflict_problem"' not in html  # the same in both: nothing to choose
    application.refresh_from_db()
    assert application.goals == "Cele od pierwszej osoby"


def test_section_conflict_keep_mine_saves_my_text_on_the_new_revision():
    application = complete_draft()
    first, second = two_sessions(application)
    base = based_on(first, application, "problem")
    first.post(section_url(application, "problem"), {**_problem(goals="Ich"), "based_on": base})
    response = second.post(
        section_url(application, "problem"), {**_problem(goals="Moje"), "based_on": base}
    )
    new_base = re.search(r'name="based_on" value="(\d+)"', response.content.decode()).group(1)
    assert new_base != base

    response = second.post(
        section_url(application, "problem"),
        {
            **_problem(goals="Ich i moje, razem"),
            "based_on": new_base,
            "conflict_goals": "mine",
            "go": "stay",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.goals == "Ich i moje, razem"


def test_section_conflict_keep_theirs_per_field_keeps_their_text_and_my_other_field():
    application = complete_draft()
    first, second = two_sessions(application)
    base = based_on(first, application, "problem")
    first.post(
        section_url(application, "problem"), {**_problem(goals="Ich cele"), "based_on": base}
    )
    response = second.post(
        section_url(application, "problem"),
        {**_problem(goals="Moje cele", target_group="Moja grupa"), "based_on": base},
    )
    new_base = re.search(r'name="based_on" value="(\d+)"', response.content.decode()).group(1)

    second.post(
        section_url(application, "problem"),
        {
            **_problem(goals="Moje cele", target_group="Moja grupa"),
            "based_on": new_base,
            "conflict_goals": "theirs",
            "conflict_target_group": "mine",
        },
    )
    application.refresh_from_db()
    assert application.goals == "Ich cele"
    assert application.target_group == "Moja grupa"


def test_section_conflict_keep_all_of_theirs_changes_nothing_they_saved():
    application = complete_draft()
    first, second = two_sessions(application)
    base = based_on(first, application, "basics")
    first.post(
        section_url(application, "basics"),
        {"title": "Ich tytuł", "summary": "Ich streszczenie", "based_on": base},
    )
    second.post(
        section_url(application, "basics"),
        {"title": "Mój tytuł", "summary": "Moje streszczenie", "based_on": base},
    )
    response = second.post(
        section_url(application, "basics"),
        {
            "title": "Mój tytuł",
            "summary": "Moje streszczenie",
            "based_on": str(int(base) + 1),
            "conflict_all": "theirs",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.title, application.summary) == ("Ich tytuł", "Ich streszczenie")


def test_section_saves_of_different_sections_never_conflict():
    application = complete_draft()
    first, second = two_sessions(application)
    basics, problem = (
        based_on(first, application, "basics"),
        based_on(second, application, "problem"),
    )
    assert (
        first.post(
            section_url(application, "basics"),
            {"title": "Nowy tytuł", "summary": "Nowe", "based_on": basics},
        ).status_code
        == 302
    )
    assert (
        second.post(
            section_url(application, "problem"),
            {**_problem(goals="Nowe cele"), "based_on": problem},
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert (application.title, application.goals) == ("Nowy tytuł", "Nowe cele")


def test_section_save_of_identical_content_never_conflicts():
    application = complete_draft()
    first, second = two_sessions(application)
    base = based_on(first, application, "problem")
    same = {**_problem(goals="Te same cele"), "based_on": base}
    assert first.post(section_url(application, "problem"), same).status_code == 302
    assert second.post(section_url(application, "problem"), same).status_code == 302


def test_section_autosave_conflict_stores_nothing_and_says_who_saved(client, team):
    application, editor = team
    client.force_login(application.applicant)
    base = based_on(client, application, "basics")
    section_save(
        application=application,
        section="basics",
        parts={"fields": {"title": "Tytuł Ani"}},
        based_on=int(base),
        by=editor,
    )
    response = client.post(
        autosave_url(application, "basics"),
        {"title": "Mój tytuł", "summary": TEXTS["summary"], "based_on": base},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "conflict"
    assert "Ania Kowalska" in body["message"]
    assert "Zapisz" in body["message"]
    application.refresh_from_db()
    assert application.title == "Tytuł Ani"


def test_section_autosave_answers_the_new_revision_and_the_next_save_builds_on_it(client):
    application = complete_draft()
    client.force_login(application.applicant)
    base = based_on(client, application, "basics")
    first = client.post(
        autosave_url(application, "basics"), {"title": "Raz", "summary": "", "based_on": base}
    ).json()
    assert first["state"] == "saved"
    second = client.post(
        autosave_url(application, "basics"),
        {"title": "Dwa", "summary": "", "based_on": str(first["revision"])},
    )
    assert second.status_code == 200
    application.refresh_from_db()
    assert application.title == "Dwa"


def test_section_conflict_in_the_budget_shows_their_lines_and_keeps_mine_in_the_table(client, team):
    application, editor = team
    client.force_login(application.applicant)
    base = based_on(client, application, "budget")
    section_save(
        application=application,
        section="budget",
        parts={
            "budget": [
                {
                    "category": "materials",
                    "item": "Beczki Ani",
                    "unit": "szt.",
                    "quantity": Decimal("2"),
                    "unit_cost": Decimal("300"),
                    "own_contribution": Decimal("0"),
                }
            ]
        },
        based_on=int(base),
        by=editor,
    )
    mine = table("budget", [budget_line(item="Moje farby")])
    response = client.post(section_url(application, "budget"), {**mine, "based_on": base})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Beczki Ani" in html
    assert 'value="Moje farby"' in html
    assert "Ania Kowalska" in html
    assert [line.item for line in application.budget_lines.all()] == ["Beczki Ani"]

    response = client.post(
        section_url(application, "budget"),
        {**mine, "based_on": str(int(base) + 1), "conflict_budget": "theirs"},
    )
    assert response.status_code == 302
    assert [line.item for line in application.budget_lines.all()] == ["Beczki Ani"]


def test_section_save_service_refuses_the_second_save_on_the_same_revision(team):
    application, editor = team
    section_save(
        application=application,
        section="team",
        parts={"fields": {"team_description": "Pierwsza"}},
        based_on=0,
        by=editor,
    )
    with pytest.raises(SectionConflict) as refused:
        section_save(
            application=application,
            section="team",
            parts={"fields": {"team_description": "Druga"}},
            based_on=0,
            by=application.applicant,
        )
    assert refused.value.fields == ["team_description"]
    assert refused.value.latest.by == editor
    application.refresh_from_db()
    assert application.team_description == "Pierwsza"


# --- the history ------------------------------------------------------------------------------


def test_section_history_says_who_changed_which_fields_to_the_team_and_coordinators(client, team):
    application, editor = team
    section_save(
        application=application,
        section="problem",
        parts={"fields": {"goals": "Nowe cele", "problem": TEXTS["problem"]}},
        based_on=0,
        by=editor,
    )
    client.force_login(application.applicant)
    html = client.get(application.get_absolute_url()).content.decode()
    assert "Kto co zmienił" in html
    assert re.search(r"<strong>Ania Kowalska</strong> zmienia: Cele\s*</div>", html)
    assert "Problem" not in html.split("Kto co zmienił")[1].split("</section>")[0]  # unchanged

    client.force_login(CoordinatorFactory())
    html = client.get(reverse("applicants_manage:detail", args=[application.pk])).content.decode()
    assert "<strong>Ania Kowalska</strong> zmienia: Cele" in html


def test_section_history_folds_a_persons_autosaves_in_one_section_into_one_entry(client):
    application = complete_draft()
    client.force_login(application.applicant)
    base = based_on(client, application, "basics")
    for title in ("D", "De", "Des"):
        body = client.post(
            autosave_url(application, "basics"),
            {"title": title, "summary": TEXTS["summary"], "based_on": base},
        ).json()
        base = str(body["revision"])
    client.post(
        autosave_url(application, "basics"),
        {"title": "Des", "summary": "Inne", "based_on": base},
    )
    entries = list(SectionSave.objects.filter(application=application))
    assert len(entries) == 1
    assert entries[0].fields == ["title", "summary"]
    assert entries[0].saves == 4

    # Later than a few minutes: a new entry.
    SectionSave.objects.update(at=timezone.now() - timedelta(minutes=10))
    client.post(
        autosave_url(application, "basics"),
        {"title": "Deszcz", "summary": "Inne", "based_on": str(entries[0].revision)},
    )
    assert SectionSave.objects.filter(application=application).count() == 2


def test_section_history_page_keeps_its_query_count_with_many_entries(
    client, team, django_assert_max_num_queries
):
    application, editor = team
    client.force_login(application.applicant)

    def save(section, fields, by):
        section_save(
            application=application, section=section, parts={"fields": fields}, based_on=None, by=by
        )

    save("basics", {"title": "Jeden"}, editor)
    with django_assert_max_num_queries(40) as one:
        client.get(application.get_absolute_url())
    for number in range(12):
        who = editor if number % 2 else UserFactory()
        save("problem" if number % 3 else "team", _some_field(number), who)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(application.get_absolute_url()).content.decode()
    assert html.count("zmienia:") == 13


def _some_field(number: int) -> dict:
    if number % 3:
        return {"goals": f"Cele {number}"}
    return {"team_description": f"Zespół {number}"}


def _problem(**values) -> dict:
    return {
        "problem": TEXTS["problem"],
        "goals": TEXTS["goals"],
        "target_group": TEXTS["target_group"],
        **values,
    }


def test_section_conflict_between_the_lead_and_an_editor_names_the_editor(team):
    application, editor = team
    lead, other = Client(), Client()
    lead.force_login(application.applicant)
    other.force_login(editor)
    base_lead = based_on(lead, application, "problem")
    base_editor = based_on(other, application, "problem")

    response = other.post(
        section_url(application, "problem"),
        {**_problem(goals="Cele Ani"), "based_on": base_editor, "go": "stay"},
    )
    assert response.status_code == 302
    response = lead.post(
        section_url(application, "problem"),
        {**_problem(goals="Cele liderki"), "based_on": base_lead, "go": "stay"},
    )

    assert response.status_code == 409
    html = " ".join(response.content.decode().split())
    assert "Ania Kowalska" in html and "Cele Ani" in html and "Cele liderki" in html
    application.refresh_from_db()
    assert application.goals == "Cele Ani"

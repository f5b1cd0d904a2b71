"""An application's tables and answers have limits: stated in the form, enforced on the server.

The attack is a crafted POST (or a call of the service) with one row more than
the limit; the limit itself must still go through.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applicants.models import ApplicantProfile, BudgetLine, ScheduleItem
from applicants.services import (
    application_answers_save,
    application_budget_save,
    application_schedule_save,
    profile_save,
)
from applicants.tests.builders import complete_draft
from grants.limits import (
    MAX_ANSWER_LENGTH,
    MAX_BUDGET_LINES,
    MAX_GROUP_MEMBERS,
    MAX_SCHEDULE_ROWS,
)
from grants.models import CallQuestion, QuestionKind
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int) -> dict[str, str]:
    # What a crafted request would send: it claims whatever limit it likes.
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "100000",
    }


def budget_post(count: int) -> dict[str, str]:
    data = {**management("budget", count), "go": "stay"}
    for index in range(count):
        data.update(
            {
                f"budget-{index}-category": "materials",
                f"budget-{index}-item": f"Sadzonka nr {index + 1}",
                f"budget-{index}-unit": "szt.",
                f"budget-{index}-quantity": "1",
                f"budget-{index}-unit_cost": "10",
                f"budget-{index}-own_contribution": "0",
            }
        )
    return data


def schedule_post(count: int) -> dict[str, str]:
    data = {**management("schedule", count), "activities": "Nowy opis działań", "go": "stay"}
    for index in range(count):
        day = date(2027, 4, 1) + timedelta(days=index)
        data.update(
            {
                f"schedule-{index}-starts_on": day.isoformat(),
                f"schedule-{index}-ends_on": day.isoformat(),
                f"schedule-{index}-activity": f"Krok {index + 1}",
            }
        )
    return data


def members_post(count: int) -> dict[str, str]:
    data = {
        "kind": "group",
        "contact_name": "Ola Nowak",
        "street": "ul. Długa 5",
        "postcode": "80-831",
        "city": "Gdańsk",
        "group_name": "Zielone Podwórko",
        **management("members", count),
    }
    for index in range(count):
        data[f"members-{index}-full_name"] = f"Osoba {index + 1}"
        data[f"members-{index}-age"] = "18"
    data["members-0-is_leader"] = "on"
    return data


def section_url(application, section: str) -> str:
    return reverse("applicants:section", args=[application.pk, section])


# --- budget ---------------------------------------------------------------------------


def test_budget_page_states_the_limit_beside_the_table(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.get(section_url(application, "budget"))
    assert f"Limit pozycji budżetu: {MAX_BUDGET_LINES}." in response.text
    assert 'aria-describedby="budget-limit"' in response.text


def test_budget_with_one_line_over_the_limit_is_refused_and_nothing_is_saved(client):
    application = complete_draft()
    before = list(application.budget_lines.values_list("item", flat=True))
    client.force_login(application.applicant)
    response = client.post(section_url(application, "budget"), budget_post(MAX_BUDGET_LINES + 1))
    assert response.status_code == 200
    errors = response.context["budget"].non_form_errors()
    assert errors == [
        f"Budżet przekracza limit pozycji ({MAX_BUDGET_LINES}). "
        "Połącz podobne koszty w jedną pozycję."
    ]
    # Beside the table, and every line typed is still on the page.
    table = response.text[response.text.index('id="budget"') :]
    assert errors[0] in table
    assert f'value="Sadzonka nr {MAX_BUDGET_LINES + 1}"' in response.text
    assert list(application.budget_lines.values_list("item", flat=True)) == before
    application.refresh_from_db()
    assert application.total_cost == Decimal("2751.50")  # the budget complete_draft() saved


def test_budget_at_the_limit_is_saved(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(section_url(application, "budget"), budget_post(MAX_BUDGET_LINES))
    assert response.status_code == 302
    assert application.budget_lines.count() == MAX_BUDGET_LINES
    application.refresh_from_db()
    assert application.total_cost == Decimal("400.00")  # 40 lines of 1 × 10 zł


def test_budget_page_offers_no_empty_row_at_the_limit(client):
    application = complete_draft()
    client.force_login(application.applicant)
    client.post(section_url(application, "budget"), budget_post(MAX_BUDGET_LINES))
    response = client.get(section_url(application, "budget"))
    assert len(response.context["budget"].forms) == MAX_BUDGET_LINES
    assert 'name="budget-MAX_NUM_FORMS" value="40"' in response.text


def test_budget_save_refuses_more_lines_than_the_limit():
    application = complete_draft()
    line = {
        "category": "materials",
        "item": "Sadzonka",
        "unit": "szt.",
        "quantity": Decimal("1"),
        "unit_cost": Decimal("10"),
        "own_contribution": Decimal("0"),
    }
    with pytest.raises(ValidationError) as refused:
        application_budget_save(application=application, lines=[line] * (MAX_BUDGET_LINES + 1))
    assert [e.code for e in refused.value.error_dict["budget"]] == ["too_many_rows"]
    assert BudgetLine.objects.filter(application=application).count() == 2


# --- schedule -------------------------------------------------------------------------


def test_schedule_page_states_the_limit_beside_the_table(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.get(section_url(application, "activities"))
    assert f"Limit wierszy: {MAX_SCHEDULE_ROWS}." in response.text


def test_schedule_with_one_row_over_the_limit_is_refused_and_nothing_is_saved(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        section_url(application, "activities"), schedule_post(MAX_SCHEDULE_ROWS + 1)
    )
    assert response.status_code == 200
    assert response.context["schedule"].non_form_errors() == [
        f"Harmonogram przekracza limit wierszy ({MAX_SCHEDULE_ROWS}). "
        "Połącz kilka kroków w jeden wiersz."
    ]
    assert f'value="Krok {MAX_SCHEDULE_ROWS + 1}"' in response.text
    assert "Nowy opis działań" in response.text  # the section's text is kept on the page…
    application.refresh_from_db()
    assert application.activities != "Nowy opis działań"  # …and not half-saved
    assert list(application.schedule.values_list("activity", flat=True)) == ["Warsztaty"]


def test_schedule_at_the_limit_is_saved(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(section_url(application, "activities"), schedule_post(MAX_SCHEDULE_ROWS))
    assert response.status_code == 302
    assert ScheduleItem.objects.filter(application=application).count() == MAX_SCHEDULE_ROWS


def test_schedule_save_refuses_more_rows_than_the_limit():
    application = complete_draft()
    item = {"starts_on": date(2027, 4, 1), "ends_on": date(2027, 4, 2), "activity": "Krok"}
    with pytest.raises(ValidationError) as refused:
        application_schedule_save(application=application, items=[item] * (MAX_SCHEDULE_ROWS + 1))
    assert "schedule" in refused.value.error_dict
    assert application.schedule.count() == 1


# --- group members --------------------------------------------------------------------


def test_profile_page_states_the_members_limit(client):
    client.force_login(UserFactory())
    response = client.get(reverse("applicants:profile"))
    assert f"Limit członków grupy: {MAX_GROUP_MEMBERS}." in response.text


def test_group_with_one_member_over_the_limit_is_refused_and_nothing_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("applicants:profile"), members_post(MAX_GROUP_MEMBERS + 1))
    assert response.status_code == 200
    assert response.context["members"].non_form_errors() == [
        f"Grupa może liczyć najwyżej {MAX_GROUP_MEMBERS} członków."
    ]
    assert f'value="Osoba {MAX_GROUP_MEMBERS + 1}"' in response.text
    assert 'value="Zielone Podwórko"' in response.text
    assert not ApplicantProfile.objects.filter(user=user).exists()


def test_group_at_the_limit_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("applicants:profile"), members_post(MAX_GROUP_MEMBERS))
    assert response.status_code == 302
    assert ApplicantProfile.objects.get(user=user).members.count() == MAX_GROUP_MEMBERS


def test_profile_save_refuses_more_members_than_the_limit():
    user = UserFactory()
    profile = ApplicantProfile(user=user, kind="group", contact_name="Ola", city="Gdańsk")
    profile.group_name = "Zielone Podwórko"
    members = [{"full_name": "Osoba", "age": 18, "is_leader": False}] * (MAX_GROUP_MEMBERS + 1)
    with pytest.raises(ValidationError) as refused:
        profile_save(profile=profile, members=members)
    assert "members" in refused.value.error_dict
    assert not ApplicantProfile.objects.filter(user=user).exists()


# --- answers to the call's own questions ------------------------------------------------


def question_for(application, **fields) -> CallQuestion:
    fields = {"label": "Dlaczego wy?", "kind": QuestionKind.LONG_TEXT, **fields}
    return CallQuestion.objects.create(call=application.call, **fields)


def test_questions_page_states_each_answers_limit(client):
    application = complete_draft()
    question_for(application, max_length=800, help_text="Napisz o doświadczeniu.")
    client.force_login(application.applicant)
    response = client.get(section_url(application, "questions"))
    assert "Napisz o doświadczeniu. Limit znaków: 800." in response.text


def test_questions_page_escapes_the_coordinators_hint(client):
    application = complete_draft()
    question_for(application, help_text='<img src=x onerror="alert(1)">')
    client.force_login(application.applicant)
    response = client.get(section_url(application, "questions"))
    assert "<img src=x" not in response.text
    assert "&lt;img src=x" in response.text


def test_an_answer_one_character_over_its_limit_is_refused_beside_it(client):
    application = complete_draft()
    question = question_for(application, max_length=800)
    client.force_login(application.applicant)
    response = client.post(
        section_url(application, "questions"), {f"q{question.pk}": "a" * 801, "go": "stay"}
    )
    assert response.status_code == 200
    assert f"q{question.pk}" in response.context["form"].errors
    application.refresh_from_db()
    assert application.answers == {}


def test_answers_save_refuses_an_answer_over_its_limit():
    application = complete_draft()
    question = question_for(application, max_length=800)
    with pytest.raises(ValidationError) as refused:
        application_answers_save(application=application, answers={str(question.pk): "a" * 801})
    assert f"q{question.pk}" in refused.value.error_dict
    application_answers_save(application=application, answers={str(question.pk): "a" * 800})
    application.refresh_from_db()
    assert application.answers == {str(question.pk): "a" * 800}


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (QuestionKind.CHOICE, "Praga"),
        (QuestionKind.YES_NO, "maybe"),
        (QuestionKind.NUMBER, "1" * 10_000),
        (QuestionKind.NUMBER, "NaN"),
        (QuestionKind.SHORT_TEXT, ["a", "list"]),
    ],
)
def test_answers_save_refuses_an_answer_the_question_does_not_offer(kind, answer):
    application = complete_draft()
    choices = "Wola\nMokotów" if kind == QuestionKind.CHOICE else ""
    question = question_for(application, kind=kind, choices=choices)
    with pytest.raises(ValidationError):
        application_answers_save(application=application, answers={str(question.pk): answer})
    application.refresh_from_db()
    assert application.answers == {}


def test_answers_save_refuses_an_answer_to_another_calls_question():
    application = complete_draft()
    other = CallQuestion.objects.create(
        call=GrantCallFactory(), label="Cudze pytanie", kind=QuestionKind.SHORT_TEXT
    )
    with pytest.raises(ValidationError):
        application_answers_save(application=application, answers={str(other.pk): "tak"})


def test_a_question_limit_set_long_ago_above_the_cap_is_capped():
    application = complete_draft()
    question = question_for(application, max_length=20_000)  # allowed before the cap
    assert question.effective_max_length == MAX_ANSWER_LENGTH
    with pytest.raises(ValidationError):
        application_answers_save(
            application=application, answers={str(question.pk): "a" * (MAX_ANSWER_LENGTH + 1)}
        )

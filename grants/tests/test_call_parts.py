"""Coordinators edit a call's own parts: screener, questions, attachments, checklist."""

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.limits import MAX_CALL_INDICATORS, MAX_CALL_QUESTIONS
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    QuestionKind,
)
from grants.services import call_publish
from grants.tests.factories import CriterionFactory, GrantCallFactory

pytestmark = pytest.mark.django_db

PARTS = ["screener", "questions", "attachments", "indicators", "checklist"]
MODELS = {
    "screener": EligibilityQuestion,
    "questions": CallQuestion,
    "attachments": AttachmentRequirement,
    "indicators": CallIndicator,
    "checklist": FormalCheckItem,
}
# The field that names a row; also the one formset.js looks at.
MAIN_FIELD = {
    "screener": "text",
    "questions": "label",
    "attachments": "name",
    "indicators": "name",
    "checklist": "text",
}


def filled_row(part: str, name: str) -> dict[str, str]:
    """What a browser sends for a row filled in with `name` (unticked boxes send nothing)."""
    return {
        "screener": {
            "text": name,
            "required_answer": "on",
            "failure_explanation": "Ten nabór jest tylko dla grup z Mazowsza.",
        },
        "questions": {
            "label": name,
            "kind": "long_text",
            "required": "on",
            "max_length": "",
            "help_text": "",
            "choices": "",
        },
        "attachments": {"name": name, "description": "", "required": "on"},
        "indicators": {"name": name, "unit": "osób", "help_text": ""},
        "checklist": {"text": name},
    }[part]


def untouched_row(part: str) -> dict[str, str]:
    """The empty extra row as a browser sends it: boxes ticked by default stay ticked."""
    return {
        "screener": {"text": "", "required_answer": "on", "failure_explanation": ""},
        "questions": {
            "label": "",
            "kind": "",
            "required": "on",
            "max_length": "",
            "help_text": "",
            "choices": "",
        },
        "attachments": {"name": "", "description": ""},
        "indicators": {"name": "", "unit": "", "help_text": ""},
        "checklist": {"text": ""},
    }[part]


def make_row(part: str, call, name: str, position: int = 0):
    fields = {
        "screener": {"text": name, "failure_explanation": "Nabór jest tylko dla grup z Mazowsza."},
        "questions": {"label": name, "kind": QuestionKind.LONG_TEXT},
        "attachments": {"name": name},
        "indicators": {"name": name, "unit": "osób"},
        "checklist": {"text": name},
    }[part]
    return MODELS[part].objects.create(call=call, position=position, **fields)


def formset_data(rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        "parts-TOTAL_FORMS": str(len(rows)),
        "parts-INITIAL_FORMS": str(initial),
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"parts-{index}-{field}": value for field, value in row.items()})
    return data


def as_sent(formset) -> dict[str, str]:
    """What a browser sends for the formset as the page shows it (unticked boxes send nothing)."""
    data = {field.html_name: field.value() for field in formset.management_form}
    for form in formset.forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else str(value)
    return data


def parts_url(call, part: str) -> str:
    return reverse("manage:call_parts", args=[call.pk, part])


def names(call, part: str) -> list[str]:
    return [str(row) for row in MODELS[part].objects.filter(call=call)]


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
@pytest.mark.parametrize("part", PARTS)
def test_call_parts_refuse_everyone_but_coordinators(client, who, part):
    call = GrantCallFactory()
    if who == "applicant":
        client.force_login(UserFactory())
    data = formset_data([filled_row(part, "Wpis intruza")])
    for response in (client.get(parts_url(call, part)), client.post(parts_url(call, part), data)):
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 403
        assert call.title.encode() not in response.content
    assert not MODELS[part].objects.exists()


def test_call_parts_unknown_part_is_not_found(client):
    call = GrantCallFactory()
    client.force_login(CoordinatorFactory())
    assert client.get(parts_url(call, "budget")).status_code == 404
    assert client.post(parts_url(call, "budget"), {}).status_code == 404


def test_call_parts_unknown_part_sends_anonymous_to_login(client):
    """Nobody but a coordinator learns which parts exist."""
    response = client.get(parts_url(GrantCallFactory(), "budget"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_call_parts_unknown_call_is_not_found(client):
    client.force_login(CoordinatorFactory())
    assert client.get(reverse("manage:call_parts", args=[999, "questions"])).status_code == 404


@pytest.mark.parametrize("part", PARTS)
def test_call_parts_page_lists_rows_in_their_order(client, part):
    call = GrantCallFactory()
    make_row(part, call, "Drugi wpis", position=1)
    make_row(part, call, "Pierwszy wpis", position=0)
    client.force_login(CoordinatorFactory())
    response = client.get(parts_url(call, part))
    assert response.status_code == 200
    text = response.text
    assert text.index('value="Pierwszy wpis"') < text.index('value="Drugi wpis"')
    assert f'aria-current="page">{response.context["part"].title}' in text


@pytest.mark.parametrize("part", PARTS)
def test_coordinator_adds_rows_in_the_order_set(client, part):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    rows = [
        {**filled_row(part, "Wpis B"), "ORDER": "2"},
        {**filled_row(part, "Wpis A"), "ORDER": "1"},
        untouched_row(part),
    ]
    response = client.post(parts_url(call, part), formset_data(rows))
    assert response.status_code == 302
    assert response["Location"] == parts_url(call, part)
    assert names(call, part) == ["Wpis A", "Wpis B"]
    assert [row.position for row in MODELS[part].objects.filter(call=call)] == [0, 1]
    follow = client.get(response["Location"])
    assert [m.level_tag for m in follow.context["messages"]] == ["success"]


@pytest.mark.parametrize("part", PARTS)
def test_coordinator_reorders_and_deletes_rows(client, part):
    call = GrantCallFactory(draft=True)
    first = make_row(part, call, "Pierwszy", position=0)
    second = make_row(part, call, "Drugi", position=1)
    third = make_row(part, call, "Trzeci", position=2)
    client.force_login(CoordinatorFactory())
    rows = [
        {**filled_row(part, "Pierwszy"), "id": str(first.pk), "ORDER": "3"},
        {**filled_row(part, "Drugi"), "id": str(second.pk), "ORDER": "1"},
        {**filled_row(part, "Trzeci"), "id": str(third.pk), "ORDER": "2", "DELETE": "on"},
    ]
    response = client.post(parts_url(call, part), formset_data(rows, initial=3))
    assert response.status_code == 302
    assert names(call, part) == ["Drugi", "Pierwszy"]
    assert not MODELS[part].objects.filter(pk=third.pk).exists()


@pytest.mark.parametrize("part", PARTS)
def test_rows_without_order_numbers_keep_the_page_order(client, part):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    rows = [filled_row(part, "Pierwszy"), filled_row(part, "Drugi")]
    client.post(parts_url(call, part), formset_data(rows))
    assert names(call, part) == ["Pierwszy", "Drugi"]


@pytest.mark.parametrize("part", PARTS)
def test_row_without_its_main_field_is_refused_beside_it(client, part):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {**filled_row(part, ""), "ORDER": "1"}
    response = client.post(parts_url(call, part), formset_data([row]))
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert [e.code for e in form.errors.as_data()[MAIN_FIELD[part]]] == ["required"]
    assert f'href="#id_parts-0-{MAIN_FIELD[part]}"' in response.text
    assert not MODELS[part].objects.exists()


@pytest.mark.parametrize("choices", ["", "Tak", "Tak\n\n   \n"])
def test_single_choice_with_fewer_than_two_options_is_refused_beside_choices(client, choices):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {
        **filled_row("questions", "Z jakiej dzielnicy jesteście?"),
        "kind": "choice",
        "choices": choices,
    }
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert [e.code for e in form.errors.as_data()["choices"]] == ["too_few_choices"]
    assert 'value="Z jakiej dzielnicy jesteście?"' in response.text
    assert '<option value="choice" selected>' in response.text
    assert 'href="#id_parts-0-choices"' in response.text
    assert not CallQuestion.objects.exists()


def test_single_choice_keeps_the_typed_options_when_refused(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {**filled_row("questions", "Pytanie"), "kind": "choice", "choices": "Tylko Wola"}
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    assert ">\nTylko Wola</textarea>" in response.text


def test_single_choice_saves_one_option_per_line(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {
        **filled_row("questions", "Z jakiej dzielnicy jesteście?"),
        "kind": "choice",
        "choices": "  Wola \r\n\r\nMokotów\r\n",
    }
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    assert response.status_code == 302
    assert CallQuestion.objects.get().choice_list == ["Wola", "Mokotów"]


def test_single_choice_with_repeated_options_is_refused(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {**filled_row("questions", "Pytanie"), "kind": "choice", "choices": "Wola\nWola"}
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    form = response.context["formset"].forms[0]
    assert [e.code for e in form.errors.as_data()["choices"]] == ["duplicate_choices"]


@pytest.mark.parametrize("kind", ["short_text", "long_text", "yes_no", "number"])
def test_options_for_a_question_that_is_not_single_choice_are_refused(client, kind):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {**filled_row("questions", "Pytanie"), "kind": kind, "choices": "Wola\nMokotów"}
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    form = response.context["formset"].forms[0]
    assert [e.code for e in form.errors.as_data()["choices"]] == ["choices_not_allowed"]
    assert not CallQuestion.objects.exists()


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("short_text", True),
        ("long_text", True),
        ("choice", False),
        ("yes_no", False),
        ("number", False),
    ],
)
def test_character_limit_is_only_for_text_questions(client, kind, allowed):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    row = {
        **filled_row("questions", "Pytanie"),
        "kind": kind,
        "max_length": "800",
        "choices": "Tak\nNie" if kind == "choice" else "",
    }
    response = client.post(parts_url(call, "questions"), formset_data([row]))
    if allowed:
        assert response.status_code == 302
        assert CallQuestion.objects.get().effective_max_length == 800
    else:
        form = response.context["formset"].forms[0]
        assert [e.code for e in form.errors.as_data()["max_length"]] == ["max_length_not_allowed"]


@pytest.mark.parametrize("delete", [True, False])
def test_rows_of_another_call_cannot_be_changed_through_this_one(client, delete):
    call = GrantCallFactory(draft=True)
    other_call = GrantCallFactory()
    other = make_row("checklist", other_call, "Cudzy punkt")
    client.force_login(CoordinatorFactory())
    row = {**filled_row("checklist", "Przejęty"), "id": str(other.pk)}
    if delete:
        row["DELETE"] = "on"
    client.post(parts_url(call, "checklist"), formset_data([row], initial=1))
    other.refresh_from_db()
    assert (other.call, other.text) == (other_call, "Cudzy punkt")


@pytest.mark.parametrize("part", PARTS)
def test_call_parts_page_runs_fixed_number_of_queries(client, django_assert_max_num_queries, part):
    call = GrantCallFactory()
    for position in range(2):
        make_row(part, call, f"Wpis {position}", position=position)
    client.force_login(CoordinatorFactory())
    # The rows, what uses them (a query or three) and the changes since publication.
    with django_assert_max_num_queries(10) as few:
        client.get(parts_url(call, part))
    # One row under the part's limit, if it has one (a call requires up to 10 indicators).
    rows = MAX_CALL_INDICATORS - 1 if part == "indicators" else 19
    for position in range(2, rows):
        make_row(part, call, f"Wpis {position}", position=position)
    for other in set(PARTS) - {part}:
        make_row(other, call, "Wpis z innej części")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(parts_url(call, part))
    assert response.status_code == 200
    # The rows (a call takes up to 20 questions), the empty extra one and the <template>.
    assert response.text.count("data-formset-row") == rows + 2


def test_call_edit_page_links_every_part_with_its_count(client):
    call = GrantCallFactory(draft=True)
    make_row("questions", call, "Pierwsze", position=0)
    make_row("questions", call, "Drugie", position=1)
    make_row("checklist", call, "Punkt")
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("manage:call_edit", args=[call.pk]))
    links = {link.slug: link.count for link in response.context["part_links"]}
    # report_checklist: the projects stage's own part (registered by projects.reports_setup).
    assert links == {
        "screener": 0,
        "questions": 2,
        "attachments": 0,
        "indicators": 0,
        "checklist": 1,
        "documents": 0,
        "faq": 0,
        "report_checklist": 0,
    }
    for part in PARTS:
        assert f'href="{parts_url(call, part)}"' in response.text
    details = reverse("manage:call_edit", args=[call.pk])
    assert f'href="{details}" aria-current="page"' in response.text


def test_new_call_page_has_no_parts_nav(client):
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("manage:call_create"))
    assert response.status_code == 200
    assert "/parts/" not in response.text


def test_criteria_editor_marks_the_criterion_name_for_formset_js(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("manage:call_edit", args=[call.pk]))
    assert 'name="criteria-0-name" maxlength="200" data-formset-main' in response.text


def test_a_call_takes_at_most_20_questions_of_its_own(client):
    call = GrantCallFactory(draft=True)
    client.force_login(CoordinatorFactory())
    page = client.get(parts_url(call, "questions")).text
    assert f"Limit wierszy: {MAX_CALL_QUESTIONS}." in page
    assert f'name="parts-MAX_NUM_FORMS" value="{MAX_CALL_QUESTIONS}"' in page  # for formset.js
    rows = [filled_row("questions", f"Pytanie {n}") for n in range(MAX_CALL_QUESTIONS + 1)]
    response = client.post(parts_url(call, "questions"), formset_data(rows))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        f"Limit własnych pytań naboru: {MAX_CALL_QUESTIONS}."
    ]
    assert f'value="Pytanie {MAX_CALL_QUESTIONS}"' in response.text
    assert not CallQuestion.objects.exists()
    response = client.post(parts_url(call, "questions"), formset_data(rows[:-1]))
    assert response.status_code == 302
    assert CallQuestion.objects.filter(call=call).count() == MAX_CALL_QUESTIONS


@pytest.mark.parametrize("part", PARTS)
def test_saving_unchanged_rows_records_no_change(client, part):
    call = GrantCallFactory()
    for n in range(2):
        make_row(part, call, f"Wpis {n}", position=n)
    client.force_login(CoordinatorFactory())
    data = as_sent(client.get(parts_url(call, part)).context["formset"])
    assert client.post(parts_url(call, part), data).status_code == 302
    assert MODELS[part].history.filter(history_type="~").count() == 0


def test_changes_after_publication_are_listed_with_who_and_when(client):
    call = GrantCallFactory(draft=True)
    coordinator = CoordinatorFactory(full_name="Koordynator Jan Zieliński")
    client.force_login(coordinator)
    client.post(parts_url(call, "checklist"), formset_data([filled_row("checklist", "Budżet")]))
    CriterionFactory(call=call)
    call_publish(call=call, by=coordinator)
    item = FormalCheckItem.objects.get()
    row = {**filled_row("checklist", "Budżet w limicie naboru"), "id": str(item.pk)}
    assert (
        client.post(parts_url(call, "checklist"), formset_data([row], initial=1)).status_code == 302
    )
    page = client.get(parts_url(call, "checklist")).text
    history = page[page.index('id="history-heading"') :]
    assert "Koordynator Jan Zieliński" in history
    assert "<del>Budżet</del> → <ins>Budżet w limicie naboru</ins>" in history
    assert "Dodano „Budżet”" not in history  # made before publication: not listed


def test_a_draft_call_has_no_list_of_changes(client):
    call = GrantCallFactory(draft=True)
    make_row("checklist", call, "Budżet")
    client.force_login(CoordinatorFactory())
    assert 'id="history-heading"' not in client.get(parts_url(call, "checklist")).text

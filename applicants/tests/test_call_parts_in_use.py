"""A call's parts that applicants have used can't be deleted or change meaning; wording can.

Applicants answer, attach and get checked through their pages; then the
coordinator tries the change through the call's parts page, as a browser sends
it. (These tests live here, not in grants/, because grants can't import the
applications that use its parts.)
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.models import Attachment
from applicants.tests.builders import complete_draft, profile_for, submitted_application
from grants import services as grants_services
from grants.models import (
    AttachmentRequirement,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    QuestionKind,
)
from grants.services import call_parts_save
from grants.tests.factories import GrantCallFactory
from grants.tests.test_call_parts import as_sent, parts_url

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator():
    return CoordinatorFactory(full_name="Koordynatorka Zofia Nowak")


def parts_page(client, call, part) -> tuple[str, dict[str, str]]:
    response = client.get(parts_url(call, part))
    assert response.status_code == 200
    return response.text, as_sent(response.context["formset"])


def answer_questions(client, application, answers: dict) -> None:
    """The applicant fills in the call's questions on their page."""
    client.force_login(application.applicant)
    data = {f"q{question.pk}": answer for question, answer in answers.items()}
    response = client.post(
        reverse("applicants:section", args=[application.pk, "questions"]), {**data, "go": "stay"}
    )
    assert response.status_code == 302


@pytest.fixture
def answered(client, coordinator):
    """A published call whose first question a draft has answered; the second nobody has."""
    call = GrantCallFactory()
    first = CallQuestion.objects.create(
        call=call,
        label="Z jakiej dzielnicy jesteście?",
        kind=QuestionKind.CHOICE,
        choices="Wola\nMokotów",
        position=0,
    )
    second = CallQuestion.objects.create(
        call=call, label="Co już zrobiliście?", kind=QuestionKind.LONG_TEXT, position=1
    )
    application = complete_draft(call=call)
    answer_questions(client, application, {first: "Wola", second: ""})
    client.force_login(coordinator)
    return call, first, second


# --- the call's own questions --------------------------------------------------------


def test_call_parts_page_says_which_questions_are_answered(client, answered):
    call, _, _ = answered
    page, _ = parts_page(client, call, "questions")
    assert (
        "Wykorzystano już w 1 wniosku: tej pozycji nie można usunąć ani zmienić pól: "
        "rodzaj odpowiedzi, opcje, limit znaków, wymagane." in page
    )
    assert 'name="parts-0-DELETE"' not in page
    assert 'name="parts-1-DELETE"' in page  # answered blank: nothing would be lost


def test_an_answered_question_is_not_deleted_and_nothing_else_is_saved(client, answered):
    call, _, _ = answered
    _, data = parts_page(client, call, "questions")
    data["parts-0-DELETE"] = "on"
    data["parts-1-label"] = "Co już zrobiliście razem?"
    response = client.post(parts_url(call, "questions"), data)
    assert response.status_code == 200
    errors = response.context["formset"].non_form_errors()
    assert errors == [
        "„Z jakiej dzielnicy jesteście?” wykorzystano już w 1 wniosku, więc tej pozycji "
        "nie można usunąć. Nadal możesz poprawić jej treść."
    ]
    assert errors[0] in response.text
    assert 'value="Co już zrobiliście razem?"' in response.text  # what was typed stays
    assert list(CallQuestion.objects.filter(call=call).values_list("label", flat=True)) == [
        "Z jakiej dzielnicy jesteście?",
        "Co już zrobiliście?",
    ]


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("kind", "short_text", "rodzaj odpowiedzi, opcje, limit znaków"),
        ("choices", "Wola\nOchota", "opcje"),
        ("required", None, "wymagane"),
    ],
)
def test_an_answered_question_keeps_its_meaning(client, answered, field, value, label):
    call, first, _ = answered
    _, data = parts_page(client, call, "questions")
    if value is None:
        del data[f"parts-0-{field}"]  # an unticked box sends nothing
    else:
        data[f"parts-0-{field}"] = value
    if field == "kind":
        data["parts-0-choices"] = ""
    response = client.post(parts_url(call, "questions"), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        f"„Z jakiej dzielnicy jesteście?” wykorzystano już w 1 wniosku, więc nie można "
        f"zmienić pól: {label}. Nadal możesz poprawić treść."
    ]
    stored = CallQuestion.objects.get(pk=first.pk)
    assert stored.meaning() == first.meaning()


def test_an_answered_text_question_keeps_its_character_limit(client, coordinator):
    call = GrantCallFactory()
    question = CallQuestion.objects.create(
        call=call, label="Co już zrobiliście?", kind=QuestionKind.LONG_TEXT
    )
    answer_questions(client, complete_draft(call=call), {question: "Sprzątanie parku."})
    client.force_login(coordinator)
    _, data = parts_page(client, call, "questions")
    data["parts-0-max_length"] = "100"
    response = client.post(parts_url(call, "questions"), data)
    assert "limit znaków" in response.context["formset"].non_form_errors()[0]
    question.refresh_from_db()
    assert question.max_length is None


def test_an_answered_questions_wording_is_fixed_and_recorded(client, answered, coordinator):
    call, first, _ = answered
    _, data = parts_page(client, call, "questions")
    data["parts-0-label"] = "W jakiej dzielnicy działacie?"
    data["parts-0-help_text"] = "Wybierz jedną."
    response = client.post(parts_url(call, "questions"), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.label, first.help_text) == ("W jakiej dzielnicy działacie?", "Wybierz jedną.")
    record = first.history.latest()
    assert (record.history_type, record.history_user) == ("~", coordinator)
    assert record.prev_record.label == "Z jakiej dzielnicy jesteście?"
    page, _ = parts_page(client, call, "questions")
    history = page[page.index('id="history-heading"') :]
    assert "Koordynatorka Zofia Nowak" in history
    assert (
        "<del>Z jakiej dzielnicy jesteście?</del> → <ins>W jakiej dzielnicy działacie?</ins>"
        in (history)
    )
    # Only the row that changed was saved again: the other has no new record.
    assert CallQuestion.history.filter(id=answered[2].pk).count() == 1


def test_a_question_answered_only_with_blanks_can_be_deleted(client, answered):
    call, _, second = answered
    _, data = parts_page(client, call, "questions")
    data["parts-1-DELETE"] = "on"
    assert client.post(parts_url(call, "questions"), data).status_code == 302
    assert not CallQuestion.objects.filter(pk=second.pk).exists()


def test_an_answer_given_later_makes_the_question_answered(client, answered, coordinator):
    call, _, second = answered
    application = complete_draft(call=call)
    answer_questions(client, application, {second: "Posadziliśmy 20 drzew."})
    client.force_login(coordinator)
    _, data = parts_page(client, call, "questions")
    assert "parts-1-DELETE" not in data
    data["parts-1-DELETE"] = "on"  # sent anyway, by a crafted request
    assert client.post(parts_url(call, "questions"), data).status_code == 200
    assert CallQuestion.objects.filter(pk=second.pk).exists()


# --- the eligibility screener ---------------------------------------------------------


@pytest.fixture
def screened(client, coordinator):
    """A published call whose screener an applicant has passed."""
    call = GrantCallFactory()
    question = EligibilityQuestion.objects.create(
        call=call,
        text="Czy działacie w Warszawie?",
        failure_explanation="Ten nabór jest tylko dla Warszawy.",
    )
    applicant = UserFactory()
    profile_for(applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("applicants:apply", args=[call.slug]), {f"e{question.pk}": "yes"}
    )
    assert response.status_code == 302
    client.force_login(coordinator)
    return call, question


def test_an_answered_screener_question_is_not_deleted(client, screened):
    call, question = screened
    _, data = parts_page(client, call, "screener")
    data["parts-0-DELETE"] = "on"
    response = client.post(parts_url(call, "screener"), data)
    assert "nie można usunąć" in response.context["formset"].non_form_errors()[0]
    assert EligibilityQuestion.objects.filter(pk=question.pk).exists()


def test_an_answered_screener_question_keeps_the_answer_it_needs(client, screened):
    call, question = screened
    _, data = parts_page(client, call, "screener")
    del data["parts-0-required_answer"]  # "no" would now be the answer that lets one apply
    response = client.post(parts_url(call, "screener"), data)
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.required_answer is True


def test_an_answered_screener_questions_wording_is_fixed(client, screened):
    call, question = screened
    _, data = parts_page(client, call, "screener")
    data["parts-0-text"] = "Czy działacie na terenie Warszawy?"
    data["parts-0-failure_explanation"] = "Ten nabór jest tylko dla grup z Warszawy."
    assert client.post(parts_url(call, "screener"), data).status_code == 302
    question.refresh_from_db()
    assert question.text == "Czy działacie na terenie Warszawy?"


# --- attachments the call asks for ---------------------------------------------------


@pytest.fixture
def attached(client, coordinator):
    call = GrantCallFactory()
    requirement = AttachmentRequirement.objects.create(call=call, name="List poparcia")
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    response = client.post(
        reverse("applicants:attachments", args=[application.pk]),
        {
            "file": SimpleUploadedFile("list.pdf", PDF_BYTES),
            "requirement": str(requirement.pk),
        },
    )
    assert response.status_code == 302
    client.force_login(coordinator)
    return call, requirement


def test_a_requirement_with_files_is_not_deleted(client, attached):
    call, requirement = attached
    _, data = parts_page(client, call, "attachments")
    data["parts-0-DELETE"] = "on"
    response = client.post(parts_url(call, "attachments"), data)
    assert response.context["formset"].non_form_errors() == [
        "„List poparcia” wykorzystano już w 1 wniosku, więc tej pozycji nie można usunąć. "
        "Nadal możesz poprawić jej treść."
    ]
    assert AttachmentRequirement.objects.filter(pk=requirement.pk).exists()


def test_a_requirement_with_files_stays_as_required_as_it_was(client, attached):
    call, requirement = attached
    _, data = parts_page(client, call, "attachments")
    data["parts-0-required"] = "on"
    response = client.post(parts_url(call, "attachments"), data)
    assert response.status_code == 200
    requirement.refresh_from_db()
    assert requirement.required is False


def test_a_requirement_with_files_can_be_renamed(client, attached):
    call, requirement = attached
    _, data = parts_page(client, call, "attachments")
    data["parts-0-name"] = "List poparcia od rady osiedla"
    assert client.post(parts_url(call, "attachments"), data).status_code == 302
    requirement.refresh_from_db()
    assert requirement.name == "List poparcia od rady osiedla"


def test_a_requirement_with_files_deleted_outside_the_page_keeps_its_files(attached):
    """Deleting it as the admin or a shell would is refused: the file never loses what it is."""
    _call, requirement = attached
    with pytest.raises(ProtectedError):
        requirement.delete()
    (attachment,) = Attachment.objects.all()
    assert attachment.requirement.name == "List poparcia"


def test_a_requirement_given_a_file_while_it_is_deleted_is_refused_with_a_message(
    attached, coordinator, monkeypatch
):
    """The file arrives after the page counted the requirement's files and before it is deleted."""
    call, requirement = attached
    monkeypatch.setattr(grants_services, "call_part_usage", lambda **kwargs: {})
    with pytest.raises(ValidationError) as refused:
        call_parts_save(
            call=call,
            part_model=AttachmentRequirement,
            rows_to_save=[],
            rows_to_delete=[requirement],
            by=coordinator,
        )
    assert refused.value.messages == [
        "„List poparcia” wykorzystano już we wniosku, więc tej pozycji nie można usunąć."
    ]
    assert Attachment.objects.get().requirement_id == requirement.pk


# --- the formal-check checklist ------------------------------------------------------


@pytest.fixture
def checked(client, coordinator):
    call = GrantCallFactory()
    item = FormalCheckItem.objects.create(call=call, text="Budżet w limicie")
    application = submitted_application(call=call)
    client.force_login(coordinator)
    response = client.post(
        reverse("applicants_manage:formal_check", args=[application.pk]),
        {"outcome": "accepted", f"check_{item.pk}": "on"},
    )
    assert response.status_code == 302
    return call, item


def test_a_checklist_item_used_in_a_check_is_not_deleted_even_after_rewording(client, checked):
    call, item = checked
    _, data = parts_page(client, call, "checklist")
    data["parts-0-text"] = "Budżet mieści się w limicie naboru"
    assert client.post(parts_url(call, "checklist"), data).status_code == 302
    # The recorded check keeps the old text; the item is still the one that was ticked.
    _, data = parts_page(client, call, "checklist")
    data["parts-0-DELETE"] = "on"
    response = client.post(parts_url(call, "checklist"), data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "Budżet mieści się w limicie naboru"


# --- the page stays cheap ---------------------------------------------------------------


def test_call_parts_page_needs_the_same_queries_however_many_answered(
    client, coordinator, django_assert_max_num_queries
):
    call = GrantCallFactory()
    questions = [
        CallQuestion.objects.create(
            call=call, label=f"Pytanie {n}", kind=QuestionKind.SHORT_TEXT, position=n
        )
        for n in range(3)
    ]
    answer_questions(client, complete_draft(call=call), {questions[0]: "Tak"})
    client.force_login(coordinator)
    with django_assert_max_num_queries(10) as few:
        client.get(parts_url(call, "questions"))
    allowed = len(few.captured_queries)  # now: the log is a bounded deque
    for _ in range(5):
        answer_questions(
            client, complete_draft(call=call), {question: "Tak" for question in questions}
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(allowed):
        response = client.get(parts_url(call, "questions"))
    assert response.text.count("Wykorzystano już w 6 wnioskach") == 1
    assert response.text.count("Wykorzystano już w 5 wnioskach") == 2

"""The personal-data registry: how a person's identifiers are found and replaced, and core's own erasure."""

import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from core.personal_data import Erasure, Person, sections
from core.privacy import traces_erase

LABEL = "Osoba usunięta"


def zofia() -> Person:
    return Person(
        user=None,
        label=LABEL,
        names=("Zofia Zielińska", "Jo"),
        emails=("zofia@example.org",),
        phones=("+48 601 234 567",),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Rozmawiałam z Zofia Zielińska wczoraj.",
        "Rozmawiałam z ZOFIA  ZIELIŃSKA wczoraj.",
        "Rozmawiałam z Zofia\nZielińska wczoraj.",
    ],
)
def test_person_redact_replaces_a_name_however_it_is_spaced_or_cased(text):
    assert zofia().redact(text) == f"Rozmawiałam z {LABEL} wczoraj."


@pytest.mark.parametrize(
    "phone", ["+48 601 234 567", "601234567", "601-234-567", "(+48) 601 234 567", "48601234567"]
)
def test_person_redact_replaces_a_phone_number_however_it_is_written(phone):
    assert zofia().redact(f"tel. {phone}.") == f"tel. {LABEL}."


def test_person_redact_replaces_an_email_address_in_any_case():
    assert zofia().redact("pisz na Zofia@Example.ORG!") == f"pisz na {LABEL}!"


def test_person_redact_leaves_other_words_and_numbers_alone():
    text = "Jolanta Zielińskiego; Jo; konto 1601234567890; Zofia"
    assert zofia().redact(text) == text


def test_person_redact_data_reaches_every_string_in_json():
    data = {"answers": {"3": ["Zofia Zielińska", 7]}, "note": "tel. 601 234 567", "n": None}
    assert zofia().redact_data(data) == {
        "answers": {"3": [LABEL, 7]},
        "note": f"tel. {LABEL}",
        "n": None,
    }


def test_personal_data_sections_run_in_pipeline_order():
    assert [section.name for section in sections()] == [
        "account",
        "two_factor_sign_in",
        "applicant_profile",
        "messages",
        "applications",
        "guardians_consents",
        "team",
        "reviewing",
        "decisions",
        "grants",
        "emails",
        "traces",
    ]


def task_row(status, traceback="") -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {"email_id": 1}},
        task_path="core.tasks.send_email",
        backend_name="default",
        run_after=now,
        started_at=now,
        finished_at=now
        if status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
        else None,
        exception_class_path="smtplib.SMTPRecipientsRefused" if traceback else "",
        traceback=traceback,
    )


@pytest.mark.django_db
def test_traces_erase_deletes_finished_task_rows_naming_the_person():
    naming = task_row(TaskResultStatus.FAILED, "SMTPRecipientsRefused: {'zofia@example.org': 550}")
    other = task_row(TaskResultStatus.FAILED, "SMTPRecipientsRefused: {'ola@example.org': 550}")
    waiting = task_row(TaskResultStatus.READY)

    traces_erase(erasure=Erasure(_person()))

    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {other.pk, waiting.pk}
    assert naming.pk not in remaining


def _person() -> Person:
    return Person(
        user=UserFactory(email="zofia@example.org"),
        label=LABEL,
        names=("Zofia Zielińska",),
        emails=("zofia@example.org",),
    )


@pytest.mark.django_db
def test_traces_erase_logs_the_person_out_on_every_device():
    person = _person()
    someone_else = UserFactory()
    stores = []
    for user in (person.user, person.user, someone_else):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        stores.append(store)

    traces_erase(erasure=Erasure(person))

    assert list(Session.objects.values_list("session_key", flat=True)) == [stores[2].session_key]

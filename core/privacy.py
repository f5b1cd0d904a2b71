"""What the shared plumbing keeps about a person: the e-mail record, task rows, sessions, admin log.

Registered with core.personal_data by CoreConfig.ready(), last (order 90 and
95): by then every stage has done its part, and what is left to find is in
tables no stage owns.
"""

import json
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingEmail
from core.personal_data import Erasure, ExportFiles, Person, redact_rows, register
from core.selectors import emails_sent_to


def _emails_of(user, addresses) -> QuerySet[OutgoingEmail]:
    """E-mails to the account, or to any of the person's addresses (e.g. before signing up)."""
    query = Q(pk__in=emails_sent_to(user=user).values("pk"))
    for address in addresses:
        query |= Q(to__iexact=address)
    return OutgoingEmail.objects.filter(query)


def emails_export(*, user, files: ExportFiles) -> list[dict]:
    """The record of every e-mail sent to the person (the texts are erased once sent)."""
    return [
        {
            "to": email.to,
            "kind": email.kind,
            "subject": email.subject,
            "state": email.state,
            "created_at": email.created_at,
            "sent_at": email.sent_at,
        }
        for email in _emails_of(
            user, EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        ).order_by("created_at", "pk")
    ]


def emails_erase(*, erasure: Erasure) -> None:
    """Delete the record (and any unsent text) of every e-mail to the person's addresses."""
    _emails_of(erasure.person.user, erasure.person.emails).delete()


def _task_text(result: DBTaskResult) -> str:
    return "\n".join(
        [
            json.dumps(result.args_kwargs, ensure_ascii=False, default=str),
            json.dumps(result.return_value, ensure_ascii=False, default=str),
            result.exception_class_path,
            result.traceback,
        ]
    )


def _task_rows_erase(person: Person) -> None:
    """Delete finished task rows that name the person (e.g. a traceback with their address).

    Tasks take ids only (core.queue), but an error's message may quote a
    recipient. Rows still waiting or running are left to run: their
    arguments are ids. Every finished row is read: housekeeping keeps them
    for TASK_RESULT_RETENTION only.
    """
    naming = [
        result.pk
        for result in DBTaskResult.objects.finished()
        .only("pk", "args_kwargs", "return_value", "exception_class_path", "traceback")
        .iterator()
        if person.mentions(_task_text(result))
    ]
    DBTaskResult.objects.filter(pk__in=naming).delete()


def _sessions_erase(user) -> None:
    """Log the person out everywhere: delete every stored session of their account."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            # Through the store: a cached_db session goes from the cache too.
            store(session_key=session.session_key).delete()


def _admin_log_erase(person: Person) -> None:
    """The admin's log of changes to the person's account goes; other entries lose their identifiers."""
    user = person.user
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user._meta.model), object_id=str(user.pk)
    ).delete()
    query = Q(pk__in=[])
    for needle in (*person.names, *person.emails, *person.phones):
        query |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    redact_rows(LogEntry.objects.filter(query), ["object_repr", "change_message"], person=person)


def traces_erase(*, erasure: Erasure) -> None:
    _task_rows_erase(erasure.person)
    _sessions_erase(erasure.person.user)
    _admin_log_erase(erasure.person)


def register_sections() -> None:
    register("emails", order=90, export=emails_export, erase=emails_erase)
    register("traces", order=95, erase=traces_erase)

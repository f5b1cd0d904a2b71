"""Reads shared by every app: the record of e-mails sent, and who runs the programme."""

import base64
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.enums import EmailState
from core.models import OutgoingEmail, ProgrammeProfile

# Sending is tried at most this many times: the first, then housekeeping's retries.
MAX_SEND_ATTEMPTS = 3

# Bump the version when the cached shape changes, so that no process reads an old one.
PROGRAMME_PROFILE_CACHE_KEY = "core:programme-profile:v1"
# The logo's bytes are never cached with the rest: pages only link to it.
_UNCACHED_FIELDS = {"logo"}


def emails_to_retry() -> QuerySet[OutgoingEmail]:
    """Failed messages with attempts left (expired ones are no longer FAILED)."""
    return OutgoingEmail.objects.filter(state=EmailState.FAILED, attempts__lt=MAX_SEND_ATTEMPTS)


def emails_sent_to(*, user) -> QuerySet[OutgoingEmail]:
    """Every e-mail to `user`: to their account, or to their address without one (e.g. before signing up)."""
    return OutgoingEmail.objects.filter(Q(user=user) | Q(to__iexact=user.email))


def _profile_fields() -> list[str]:
    return [
        field.attname
        for field in ProgrammeProfile._meta.concrete_fields
        if field.name not in _UNCACHED_FIELDS
    ]


def programme_profile() -> ProgrammeProfile:
    """Who runs the programme, for reading (without the logo's bytes: see programme_logo()).

    Cached in Django's cache (shared by every process) until the row is saved;
    before a coordinator saves it the first time, an unsaved profile with the
    defaults. Never save what this returns: edit the row (core.services).
    """
    values = cache.get(PROGRAMME_PROFILE_CACHE_KEY)
    if values is None:
        row = (
            ProgrammeProfile.objects.filter(pk=ProgrammeProfile.SINGLETON_PK)
            .values(*_profile_fields())
            .first()
        )
        values = row or {}
        cache.set(PROGRAMME_PROFILE_CACHE_KEY, values, timeout=None)
    known = set(_profile_fields())
    # A field added after the copy was cached takes its default.
    return ProgrammeProfile(**{key: value for key, value in values.items() if key in known})


def programme_profile_forget() -> None:
    """Drop the cached profile: the next read takes the row again."""
    cache.delete(PROGRAMME_PROFILE_CACHE_KEY)


def programme_logo() -> tuple[bytes, str] | None:
    """The logo's bytes and content type, or None when the programme has no logo."""
    row = (
        ProgrammeProfile.objects.filter(pk=ProgrammeProfile.SINGLETON_PK)
        .exclude(logo_content_type="")
        .values_list("logo", "logo_content_type")
        .first()
    )
    if row is None:
        return None
    return bytes(row[0]), row[1]


def programme_logo_data_uri() -> str:
    """The logo as a data: URI for PDFs (the renderer fetches nothing else), or "" without one."""
    logo = programme_logo()
    if logo is None:
        return ""
    data, content_type = logo
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def programme_profile_row() -> ProgrammeProfile:
    """The stored row with everything in it (for editing), or a new one with the defaults."""
    return ProgrammeProfile.objects.filter(
        pk=ProgrammeProfile.SINGLETON_PK
    ).first() or ProgrammeProfile(pk=ProgrammeProfile.SINGLETON_PK)


@dataclass(frozen=True)
class ProfileChange:
    at: datetime
    by: str
    fields: list[str]


def programme_profile_history(*, limit: int = 10) -> list[ProfileChange]:
    """The latest changes to the profile, newest first: when, by whom, and which values changed."""
    records = list(
        ProgrammeProfile.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    changes = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        if len(changes) == limit:
            break
        if previous is None:
            fields = [str(_("created"))]
        else:
            fields = []
            for change in record.diff_against(previous).changes:
                if change.field == "updated_at":
                    continue
                label = (
                    str(_("logo"))
                    if change.field.startswith("logo")
                    else str(ProgrammeProfile._meta.get_field(change.field).verbose_name)
                )
                if label not in fields:
                    fields.append(label)
        user = record.history_user
        changes.append(
            ProfileChange(
                at=record.history_date,
                by=user.display_name if user is not None else "—",
                fields=fields,
            )
        )
    return changes

"""RODO rights of the applicant: access to everything we keep (a ZIP) and erasure of the account.

`personal_data_export()` reads; `account_delete()` writes. Both work only on
the user's own rows, and neither ever gives out who on the staff did what.
"""

import io
import json
import posixpath
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import rules
from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.rules import is_coordinator
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    StatusChange,
)
from applicants.pdf_copies import version_pdfs_rerender
from applicants.snapshot import TEXT_FIELDS

# Coordinators hold the programme's calls and decisions: they hand over the
# role first, then delete their account like anyone else.
can_delete_own_account = rules.is_authenticated & ~is_coordinator

# Who made a change, as the export says it: never a staff member's name or e-mail.
ACTOR_APPLICANT = "applicant"
ACTOR_COORDINATOR = "coordinator"

README_TEXT = """\
Mikrogranty — Twoje dane
========================

To archiwum zawiera wszystko, co system Mikrogranty przechowuje o Tobie
(prawo dostępu do danych, art. 15 RODO).

data.json
    Twoje dane w formacie JSON (można go otworzyć w edytorze tekstu):
    - "account": konto — adres e-mail, imię i nazwisko, język, data
      założenia konta, ostatnie logowanie, adresy e-mail i czy są potwierdzone;
    - "applicant_profile": profil wnioskodawcy i członkowie grupy (jeśli są);
    - "applications": Twoje wnioski — status, numer referencyjny, wszystkie
      pola tekstowe, budżet, harmonogram, odpowiedzi, historia zmian statusu
      oraz każda złożona wersja dokładnie tak, jak ją złożono ("versions"),
      razem ze zgodami, które wtedy zaakceptowano.
    W historii zmian "applicant" oznacza Ciebie, a "coordinator" osobę
    z zespołu programu (nie podajemy jej danych).
    Daty i godziny są zapisane w formacie ISO 8601 w czasie UTC
    (czas polski = UTC + 1 godzina zimą, + 2 godziny latem).
    Kwoty są w złotych, zapisane jako tekst z kropką dziesiętną.

files/<numer wniosku w systemie>/<nazwa pliku>
    Pliki, które dodano do Twoich wniosków, z ich oryginalnymi nazwami.
    Numer katalogu to pole "id" wniosku w data.json.

Masz pytania o swoje dane? Napisz do koordynatora programu.
"""


class AccountDeletionRefused(Exception):
    """The account can't be deleted here (a coordinator, or the programme's records point to it)."""


# --- Reads -------------------------------------------------------------------


def _applications_of(user) -> QuerySet[Application]:
    """The user's applications with everything the export or deletion touches, oldest first."""
    return (
        Application.objects.owned_by(user)
        .select_related("call")
        .prefetch_related(
            "budget_lines",
            "schedule",
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("at", "pk")),
            Prefetch("versions", queryset=ApplicationVersion.objects.order_by("number")),
        )
        .order_by("created_at", "pk")
    )


def _was_submitted(application: Application) -> bool:
    # A draft never submitted (also one withdrawn before submission) is the
    # applicant's alone; anything ever submitted belongs to the call's record.
    return application.first_submitted_at is not None or bool(application.versions.all())


@dataclass(frozen=True)
class AccountDeletionPreview:
    """What deleting the account would do, for the confirmation page."""

    drafts: list[Application]
    kept: list[Application]


def account_deletion_preview(*, user) -> AccountDeletionPreview:
    applications = list(
        Application.objects.owned_by(user)
        .select_related("call")
        .prefetch_related(
            Prefetch("versions", queryset=ApplicationVersion.objects.only("id", "application_id"))
        )
        .order_by("created_at", "pk")
    )
    return AccountDeletionPreview(
        drafts=[a for a in applications if not _was_submitted(a)],
        kept=[a for a in applications if _was_submitted(a)],
    )


@dataclass(frozen=True)
class PersonalDataSummary:
    """Counts shown on the "My data" page."""

    has_profile: bool
    members: int
    applications: int
    files: int


def personal_data_summary(*, user) -> PersonalDataSummary:
    profile = ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()
    owned = Application.objects.owned_by(user)
    return PersonalDataSummary(
        has_profile=profile is not None,
        members=len(profile.members.all()) if profile else 0,
        applications=owned.count(),
        files=Attachment.objects.filter(application__in=owned).count(),
    )


# --- Export ------------------------------------------------------------------


class _ExportEncoder(json.JSONEncoder):
    """Dates as ISO 8601 (moments in UTC), Decimals as strings."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.astimezone(UTC).isoformat()
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def _actor(by_id: int | None, user) -> str | None:
    if by_id is None:
        return None
    return ACTOR_APPLICANT if by_id == user.pk else ACTOR_COORDINATOR


def _safe_file_name(attachment: Attachment) -> str:
    # The original name is the applicant's own text: keep only its last part so
    # it can't climb out of its folder when the archive is unpacked.
    name = posixpath.basename(attachment.original_name.replace("\\", "/")).strip().lstrip(".")
    return name or f"attachment-{attachment.pk}{attachment.extension}"


def _unique_path(folder: str, name: str, taken: set[str]) -> str:
    stem, extension = posixpath.splitext(name)
    path, n = f"{folder}/{name}", 1
    while path in taken:
        n += 1
        path = f"{folder}/{stem} ({n}){extension}"
    taken.add(path)
    return path


def _account_data(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile_data(user) -> dict | None:
    profile = ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()
    if profile is None:
        return None
    return {
        "kind": profile.kind,
        "contact_name": profile.contact_name,
        "phone": profile.phone,
        "city": profile.city,
        "date_of_birth": profile.date_of_birth,
        "group_name": profile.group_name,
        "patron_organisation": profile.patron_organisation,
        "organisation_name": profile.organisation_name,
        "krs": profile.krs,
        "nip": profile.nip,
        "regon": profile.regon,
        "updated_at": profile.updated_at,
        "members": [
            {"full_name": member.full_name, "age": member.age, "is_leader": member.is_leader}
            for member in profile.members.all()
        ],
    }


def _application_data(application: Application, user, file_paths: dict[int, str]) -> dict:
    return {
        "id": application.pk,
        "call": {"id": application.call_id, "title": application.call.title},
        "status": application.status,
        "reference_number": application.reference_number,
        **{field: getattr(application, field) for field in TEXT_FIELDS},
        "total_cost": application.total_cost,
        "own_contribution": application.own_contribution,
        "requested_amount": application.requested_amount,
        "applicant_kind": application.applicant_kind,
        "applicant_name": application.applicant_name,
        "eligibility_answers": application.eligibility_answers,
        "answers": application.answers,
        "correction_message": application.correction_message,
        "correction_deadline": application.correction_deadline,
        "rejection_reasons": application.rejection_reasons,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "first_submitted_at": application.first_submitted_at,
        "last_submitted_at": application.last_submitted_at,
        "schedule": [
            {"starts_on": item.starts_on, "ends_on": item.ends_on, "activity": item.activity}
            for item in application.schedule.all()
        ],
        "budget_lines": [
            {
                "category": line.category,
                "item": line.item,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_cost": line.unit_cost,
                "own_contribution": line.own_contribution,
                "total": line.total,
            }
            for line in application.budget_lines.all()
        ],
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "requirement": attachment.requirement.name if attachment.requirement else "",
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "uploaded_at": attachment.uploaded_at,
                "removed_at": attachment.removed_at,
                "file_in_archive": file_paths.get(attachment.pk),
            }
            for attachment in application.attachments.all()
        ],
        "status_history": [
            {
                "at": change.at,
                "old_status": change.old_status,
                "new_status": change.new_status,
                "by": _actor(change.by_id, user),
                "note": change.note,
            }
            for change in application.status_changes.all()
        ],
        "versions": [
            {
                "number": version.number,
                "submitted_at": version.submitted_at,
                "submitted_by": _actor(version.submitted_by_id, user),
                "content": version.content,
                "consents": version.consents,
            }
            for version in application.versions.all()
        ],
    }


def personal_data_export(*, user) -> bytes:
    """Everything kept about `user`, as ZIP bytes: README.txt, data.json and their files.

    Changes nothing. Staff who changed an application appear only as "coordinator".
    """
    applications = list(_applications_of(user))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README_TEXT)
        file_paths: dict[int, str] = {}
        taken: set[str] = set()
        for application in applications:
            for attachment in application.attachments.all():
                path = _unique_path(f"files/{application.pk}", _safe_file_name(attachment), taken)
                try:
                    with attachment.file.open("rb") as source, archive.open(path, "w") as target:
                        for chunk in source.chunks():
                            target.write(chunk)
                except OSError:
                    # A file missing from storage must not cost the person the rest
                    # of their data; data.json shows it as not in the archive.
                    taken.discard(path)
                    continue
                file_paths[attachment.pk] = path
        data = {
            "exported_at": timezone.now(),
            "account": _account_data(user),
            "applicant_profile": _profile_data(user),
            "applications": [_application_data(a, user, file_paths) for a in applications],
        }
        archive.writestr(
            "data.json", json.dumps(data, cls=_ExportEncoder, ensure_ascii=False, indent=2)
        )
    return buffer.getvalue()


# --- Erasure -----------------------------------------------------------------


def _anonymised_applicant(applicant: dict, label: str) -> dict:
    """The frozen "applicant" block without what identifies a person.

    Kept: who applied as what (kind), the group's and the organisation's names and
    registry numbers (KRS, NIP, REGON are public records of a legal entity, not
    of a person), the patron organisation, the town and the members' ages — what
    the programme needs to account for the grant and its reach. Removed: the
    person's name, e-mail, phone, date of birth and every member's name.
    """
    anonymised = dict(applicant)
    contact_name = applicant.get("contact_name")
    anonymised.update(contact_name=label, email=None, phone=None, date_of_birth=None)
    if contact_name and applicant.get("display_name") == contact_name:
        anonymised["display_name"] = label
    anonymised["members"] = [
        {**member, "full_name": label} for member in applicant.get("members") or []
    ]
    return anonymised


@transaction.atomic
def account_delete(*, user) -> None:
    """Erase `user`'s account (RODO art. 17), keeping the programme's records of what was submitted.

    Deletes the never-submitted applications (drafts) with their files — the
    stored files go after commit — the applicant profile with its group members,
    the user and, by cascade, their allauth e-mail addresses. Every application
    ever submitted is kept for the call's records but detached from the person:
    applicant NULL, anonymised_at set, applicant_name "Deleted person" (in
    Polish) and the personal fields in each version's content replaced.
    Status history keeps who else made a change; the user's own entries lose
    their author (the foreign keys are SET_NULL).

    Raises AccountDeletionRefused for a coordinator, or when records the
    programme must keep (e.g. calls they created) still point to the user.
    """
    if not can_delete_own_account(user):
        raise AccountDeletionRefused(_("Coordinators can't delete their account here."))

    with translation.override("pl"):
        # Stored once, in the programme's language: the record stays readable
        # whoever opens it later.
        label = _("Deleted person")
    now = timezone.now()

    applications = list(
        Application.objects.select_for_update()
        .filter(applicant=user)
        .prefetch_related("attachments", "versions")
    )
    drafts = [a for a in applications if not _was_submitted(a)]
    kept = [a for a in applications if _was_submitted(a)]

    stored_files = [
        (attachment.file.storage, attachment.file.name)
        for application in drafts
        for attachment in application.attachments.all()
        if attachment.file.name
    ]
    Application.objects.filter(pk__in=[a.pk for a in drafts]).delete()

    for application in kept:
        for version in application.versions.all():
            if isinstance(version.content, dict) and isinstance(
                version.content.get("applicant"), dict
            ):
                version.content = {
                    **version.content,
                    "applicant": _anonymised_applicant(version.content["applicant"], label),
                }
                version.save(update_fields=["content"])
    # The stored PDF copies name the person: their files go, and new ones are
    # rendered from the anonymised snapshots (after commit).
    version_pdfs_rerender(
        versions=[v for a in kept for v in a.versions.all()], note="account deleted: anonymised"
    )
    Application.objects.filter(pk__in=[a.pk for a in kept]).update(
        applicant=None, anonymised_at=now, applicant_name=label, updated_at=now
    )

    ApplicantProfile.objects.filter(user=user).delete()
    try:
        user.delete()
    except ProtectedError as exc:
        # Leaving the atomic block with this exception rolls everything back,
        # the queued file deletions included.
        raise AccountDeletionRefused(
            _("Records the programme must keep still refer to this account.")
        ) from exc

    def delete_stored_files() -> None:
        for storage, name in stored_files:
            storage.delete(name)

    transaction.on_commit(delete_stored_files)

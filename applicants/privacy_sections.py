"""What the applying stage keeps about a person: its sections of "My data" and its erasure.

Registered with core.personal_data by ApplicantsConfig.ready(): the account
(order 0), the applicant profile (10) and the applications (20). Later stages
register their own sections after these.
"""

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationIndicator,
    ApplicationVersion,
    Attachment,
    BudgetLine,
    FormalCheck,
    ScheduleItem,
    StatusChange,
    VersionPdf,
    VersionPdfChange,
)
from applicants.pdf_copies import version_pdf_filename, version_pdfs_rerender
from applicants.snapshot import TEXT_FIELDS
from core.personal_data import Erasure, ExportFiles, Person, redact_rows, register

# Who made a change, as the export says it: never a staff member's name or e-mail.
ACTOR_APPLICANT = "applicant"
ACTOR_COORDINATOR = "coordinator"


def _actor(by_id: int | None, user) -> str | None:
    if by_id is None:
        return None
    return ACTOR_APPLICANT if by_id == user.pk else ACTOR_COORDINATOR


def _applications_of(user) -> QuerySet[Application]:
    """The user's applications with everything the export touches, oldest first."""
    return (
        Application.objects.owned_by(user)
        .select_related("call")
        .prefetch_related(
            "budget_lines",
            "schedule",
            "indicators",
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("at", "pk")),
            Prefetch("formal_checks", queryset=FormalCheck.objects.order_by("at", "pk")),
            Prefetch(
                "versions",
                queryset=ApplicationVersion.objects.order_by("number").prefetch_related("pdfs"),
            ),
        )
        .order_by("created_at", "pk")
    )


# --- Export ------------------------------------------------------------------


def account_export(*, user, files: ExportFiles) -> dict:
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


def profile_export(*, user, files: ExportFiles) -> dict | None:
    profile = ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()
    if profile is None:
        return None
    return {
        "kind": profile.kind,
        "contact_name": profile.contact_name,
        "phone": profile.phone,
        "street": profile.street,
        "postcode": profile.postcode,
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


def _version_data(version: ApplicationVersion, user, files: ExportFiles) -> dict:
    full = version.full_pdf
    pdf_path = (
        files.add_stored(
            f"versions/{version.application_id}", version_pdf_filename(version), full.file
        )
        if full is not None and full.is_ready
        else None
    )
    return {
        "number": version.number,
        "submitted_at": version.submitted_at,
        "submitted_by": _actor(version.submitted_by_id, user),
        "confirmation_sent_at": version.confirmation_sent_at,
        "content": version.content,
        "consents": version.consents,
        "pdf_in_archive": pdf_path,
    }


def _application_data(application: Application, user, files: ExportFiles) -> dict:
    file_paths = {
        attachment.pk: files.add_stored(
            f"files/{application.pk}",
            attachment.original_name or f"attachment-{attachment.pk}{attachment.extension}",
            attachment.file,
        )
        for attachment in application.attachments.all()
    }
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
        "applicant_contact_name": application.applicant_contact_name,
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
        "indicators": [
            {
                "name": indicator.name,
                "planned": indicator.planned,
                "unit": indicator.unit,
                "required_by_the_call": indicator.call_indicator_id is not None,
            }
            for indicator in application.indicators.all()
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
                "note": change.note_text,
                "emailed_at": change.notified_at,
            }
            for change in application.status_changes.all()
        ],
        # What the coordinators' formal check found and wrote to the applicant (not who).
        "formal_checks": [
            {"at": check.at, "outcome": check.outcome, "message": check.message}
            for check in application.formal_checks.all()
        ],
        "versions": [_version_data(version, user, files) for version in application.versions.all()],
    }


def applications_export(*, user, files: ExportFiles) -> list[dict]:
    return [_application_data(a, user, files) for a in _applications_of(user)]


# --- Erasure -----------------------------------------------------------------


def was_submitted(application: Application) -> bool:
    """Ever submitted: the call's record keeps it. A draft never submitted (also one
    withdrawn before submission) is the applicant's alone. Uses prefetched versions."""
    return application.first_submitted_at is not None or bool(application.versions.all())


def _erased_file_name(attachment: Attachment) -> str:
    # The applicant's own file name may carry their name ("zgoda_Zosia_Kowalska.pdf").
    return f"attachment-{attachment.pk}{attachment.extension}"


def _anonymised_applicant(applicant: dict, label: str) -> dict:
    """The frozen "applicant" block without what identifies a person.

    Kept: who applied as what (kind), the group's and the organisation's names and
    registry numbers (KRS, NIP, REGON are public records of a legal entity, not
    of a person), the patron organisation, the town and the members' ages — what
    the programme needs to account for the grant and its reach. Removed: the
    person's name, e-mail, phone, postal address (street and postcode), date of
    birth and every member's name.
    """
    anonymised = dict(applicant)
    contact_name = applicant.get("contact_name")
    anonymised.update(
        contact_name=label, email=None, phone=None, street=None, postcode=None, date_of_birth=None
    )
    if contact_name and applicant.get("display_name") == contact_name:
        anonymised["display_name"] = label
    anonymised["members"] = [
        {**member, "full_name": label} for member in applicant.get("members") or []
    ]
    return anonymised


def _anonymised_content(content, person: Person, erased_names: dict[int, str]):
    if not isinstance(content, dict):
        return person.redact_data(content)
    content = dict(content)
    if isinstance(content.get("applicant"), dict):
        content["applicant"] = _anonymised_applicant(content["applicant"], person.label)
    if isinstance(content.get("attachments"), list):
        content["attachments"] = [
            {**item, "name": erased_names.get(item.get("id"), item.get("name")), "erased": True}
            if isinstance(item, dict)
            else item
            for item in content["attachments"]
        ]
    return person.redact_data(content)


def applications_erase(*, erasure: Erasure) -> None:
    """Delete the person's drafts and profile; anonymise every application they ever submitted.

    Drafts (never submitted) go with their files. Submitted applications stay
    for the call's records: their frozen versions lose the applicant's contact
    details, the files the person uploaded are deleted (only their names,
    sizes and checksums stay: nobody can check what a file says about them),
    the stored PDF copies are rendered again from the anonymised versions,
    and exact occurrences of the person's names, addresses and phone numbers
    are replaced in every text: their own, the coordinators' notes, formal
    check messages. The applications still point to the user until the user
    is deleted (later stages find their rows through them).
    """
    person = erasure.person
    user = person.user
    now = timezone.now()
    applications = list(
        Application.objects.select_for_update()
        .filter(applicant=user)
        .prefetch_related("attachments", "versions")
        .order_by("pk")
    )
    drafts = [a for a in applications if not was_submitted(a)]
    kept_ids = [a.pk for a in applications if was_submitted(a)]

    for attachment in Attachment.objects.filter(application__in=[a.pk for a in applications]):
        erasure.delete_file(attachment.file.storage, attachment.file.name)
    Application.objects.filter(pk__in=[a.pk for a in drafts]).delete()

    erased_names = {}
    for attachment in Attachment.objects.filter(application_id__in=kept_ids):
        erased_names[attachment.pk] = _erased_file_name(attachment)
        Attachment.objects.filter(pk=attachment.pk).update(
            file="", original_name=erased_names[attachment.pk]
        )
    versions = list(ApplicationVersion.objects.filter(application_id__in=kept_ids))
    for version in versions:
        ApplicationVersion.objects.filter(pk=version.pk).update(
            content=_anonymised_content(version.content, person, erased_names),
            consents=person.redact_data(version.consents),
        )
    # The stored PDF copies name the person: their files go after commit, and new
    # ones are rendered from the anonymised snapshots by the task queue.
    version_pdfs_rerender(versions=versions, note="account deleted: anonymised")

    kept = Application.objects.filter(pk__in=kept_ids)
    redact_rows(
        kept,
        [*TEXT_FIELDS, "answers", "eligibility_answers", "correction_message", "rejection_reasons"],
        person=person,
    )
    redact_rows(ScheduleItem.objects.filter(application__in=kept), ["activity"], person=person)
    redact_rows(BudgetLine.objects.filter(application__in=kept), ["item", "unit"], person=person)
    redact_rows(
        ApplicationIndicator.objects.filter(application__in=kept), ["name", "unit"], person=person
    )
    redact_rows(StatusChange.objects.filter(application__in=kept), ["note"], person=person)
    redact_rows(
        FormalCheck.objects.filter(application__in=kept), ["message", "checklist"], person=person
    )
    pdfs = VersionPdf.objects.filter(version__application__in=kept)
    redact_rows(pdfs, ["error"], person=person)
    redact_rows(VersionPdfChange.objects.filter(pdf__in=pdfs), ["note"], person=person)
    kept.update(
        applicant_name=person.label,
        applicant_contact_name=person.label,
        anonymised_at=now,
        updated_at=now,
    )
    kept.search_text_refresh()  # the title's redactions and the names above, folded

    ApplicantProfile.objects.filter(user=user).delete()


def register_sections() -> None:
    register("account", order=0, export=account_export)
    register("applicant_profile", order=10, export=profile_export)
    register("applications", order=20, export=applications_export, erase=applications_erase)

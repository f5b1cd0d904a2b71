"""RODO rights of the applicant: access to everything we keep (a ZIP) and erasure of the account.

`personal_data_export()` reads; `account_delete()` writes. Both go through
core.personal_data, where every stage of the pipeline registers what it keeps
about a person (this app's sections are in applicants.privacy_sections; later
stages register theirs in their AppConfig.ready(), since applicants must not
import them). Neither ever gives out who on the staff did what.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import rules
from allauth.account.models import EmailAddress
from django.db import router, transaction
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.rules import is_coordinator
from applicants.enums import WITHDRAWABLE_STATUSES, ApplicationStatus, HistoryNote
from applicants.models import ApplicantProfile, Application, ApplicationVersion, Attachment
from applicants.privacy_sections import was_submitted
from applicants.services import application_withdraw
from core.personal_data import (
    Erasure,
    ErasureFailed,
    ExportFiles,
    Notice,
    Person,
    account_deletion_notices,
    personal_data_collect,
    personal_data_erase,
)

# Coordinators hold the programme's calls and decisions: they hand over the
# role first, then delete their account like anyone else.
can_delete_own_account = rules.is_authenticated & ~is_coordinator

# Submitted and not decided yet: deleting the account withdraws these (a draft
# decision on one lapses with it, through the usual withdrawal).
LIVE_STATUSES = WITHDRAWABLE_STATUSES - {ApplicationStatus.DRAFT}

README_TEXT = """\
Mikrogranty — Twoje dane
========================

To archiwum zawiera wszystko, co system Mikrogranty przechowuje o Tobie
(prawo dostępu do danych, art. 15 RODO).

data.json
    Twoje dane w formacie JSON (można go otworzyć w edytorze tekstu):
    - "account": konto — adres e-mail, imię i nazwisko, język, data
      założenia konta, ostatnie logowanie, adresy e-mail i czy są potwierdzone;
    - "two_factor_sign_in": czy logowanie dwuetapowe jest włączone i jakich
      metod używasz (kiedy dodane, kiedy ostatnio użyte) — bez kluczy i kodów;
    - "applicant_profile": profil wnioskodawcy i członkowie grupy (jeśli są);
    - "applications": Twoje wnioski — status, numer referencyjny, wszystkie
      pola tekstowe, budżet, harmonogram, odpowiedzi, historia zmian statusu
      (z datą e-maila, który Ci o niej wysłaliśmy), wyniki oceny formalnej
      i wiadomości koordynatora, oraz każda złożona wersja dokładnie tak,
      jak ją złożono ("versions"), razem ze zgodami, które wtedy
      zaakceptowano, i plikiem PDF tej wersji ("pdf_in_archive");
    - "reviewing": jeśli oceniasz wnioski jako ekspert — zaproszenia,
      nabory, do których należysz, przydzielone wnioski i Twoje oceny;
    - "decisions": ogłoszone decyzje w sprawie Twoich wniosków — wynik,
      kwota, uzasadnienie, daty (ogłoszenia, termin i data przyjęcia lub
      rezygnacji z grantu), oceny i uzasadnienia ekspertów tak, jak widzisz
      je na stronie decyzji ("feedback"; eksperci są ponumerowani, nie
      podajemy ich nazwisk ani notatek dla komisji), pisma z decyzją
      ("letters": numer, wersja, data, suma kontrolna SHA-256) oraz e-maile,
      którymi je wysłaliśmy ("email");
    - "emails": e-maile wysłane do Ciebie przez system (np. potwierdzenie
      adresu, zmiana hasła, potwierdzenie złożenia wniosku, wynik oceny
      formalnej) — adresat, rodzaj, temat, stan i data wysłania.
      Treści tych e-maili nie przechowujemy po wysłaniu (mogły zawierać
      linki do logowania).
    W historii zmian "applicant" oznacza Ciebie, a "coordinator" osobę
    z zespołu programu (nie podajemy jej danych).
    Daty i godziny są zapisane w formacie ISO 8601 w czasie UTC
    (czas polski = UTC + 1 godzina zimą, + 2 godziny latem).
    Kwoty są w złotych, zapisane jako tekst z kropką dziesiętną.

files/<numer wniosku w systemie>/<nazwa pliku>
    Pliki, które dodano do Twoich wniosków, z ich oryginalnymi nazwami.
    Numer katalogu to pole "id" wniosku w data.json.

versions/<numer wniosku w systemie>/<numer referencyjny>-v<wersja>.pdf
    Każda złożona wersja wniosku jako PDF — ta sama kopia, którą dostałeś
    e-mailem po złożeniu.

letters/<numer wniosku w systemie>/<numer pisma>-v<wersja>.pdf
    Pisma z decyzją (każda wersja, także poprawiona).

Masz pytania o swoje dane? Napisz do koordynatora programu.
"""


class AccountDeletionRefused(Exception):
    """The account can't be deleted here (a coordinator, or the programme's records point to it)."""


class AccountDeletionFailed(Exception):
    """Something needed for the erasure failed (e.g. re-rendering a letter); nothing was deleted."""


# --- Who the person is ---------------------------------------------------------


def deleted_person_label() -> str:
    with translation.override("pl"):
        # Stored in the programme's language: the record stays readable whoever opens it later.
        return _("Deleted person")


def person_of(user) -> Person:
    """`user` with every name, address and phone number under which we stored them.

    From the account, its e-mail addresses, the profile and its group members,
    and every submitted version's frozen applicant block (the profile may have
    changed since). Group members' names count as the person's: they came with
    the person's profile and are erased with it.
    """
    names = {user.full_name}
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    phones = set()
    profile = ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()
    if profile is not None:
        names.add(profile.contact_name)
        names.update(member.full_name for member in profile.members.all())
        names.add(profile.street)  # a postal address identifies as a name does
        phones.add(profile.phone)
    for content in ApplicationVersion.objects.filter(application__applicant=user).values_list(
        "content", flat=True
    ):
        applicant = content.get("applicant") if isinstance(content, dict) else None
        if not isinstance(applicant, dict):
            continue
        names.add(applicant.get("contact_name") or "")
        names.update((m or {}).get("full_name") or "" for m in applicant.get("members") or [])
        names.add(applicant.get("street") or "")
        emails.add(applicant.get("email") or "")
        phones.add(applicant.get("phone") or "")
    return Person(
        user=user,
        label=deleted_person_label(),
        names=tuple(sorted(n for n in names if n and n.strip())),
        emails=tuple(sorted(e for e in emails if e)),
        phones=tuple(sorted(p for p in phones if p)),
    )


# --- Reads -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountDeletionPreview:
    """What deleting the account would do, for the confirmation page."""

    drafts: list[Application]  # deleted
    withdrawn: list[Application]  # live ones: withdrawn, then kept anonymised
    kept: list[Application]  # decided or ended: kept anonymised
    notices: list[Notice]  # what the later stages do (awards declined, letters re-made…)


def account_deletion_preview(*, user) -> AccountDeletionPreview:
    applications = list(
        Application.objects.owned_by(user)
        .select_related("call")
        .prefetch_related(
            Prefetch("versions", queryset=ApplicationVersion.objects.only("id", "application_id"))
        )
        .order_by("created_at", "pk")
    )
    submitted = [a for a in applications if was_submitted(a)]
    return AccountDeletionPreview(
        drafts=[a for a in applications if not was_submitted(a)],
        withdrawn=[a for a in submitted if a.status in LIVE_STATUSES],
        kept=[a for a in submitted if a.status not in LIVE_STATUSES],
        notices=account_deletion_notices(user=user),
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


def personal_data_export(*, user) -> bytes:
    """Everything kept about `user`, as ZIP bytes: README.txt, data.json and their files.

    data.json has one key per registered section (account, applicant_profile,
    applications, reviewing, decisions, emails…), each written by its stage.
    Changes nothing. Staff who changed an application appear only as "coordinator".
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README_TEXT)
        data = {
            "exported_at": timezone.now(),
            **personal_data_collect(user=user, files=ExportFiles(archive)),
        }
        archive.writestr(
            "data.json", json.dumps(data, cls=_ExportEncoder, ensure_ascii=False, indent=2)
        )
    return buffer.getvalue()


# --- Erasure -----------------------------------------------------------------


def _refuse_if_protected(user) -> None:
    """Refuse before changing anything when records the programme keeps protect the user.

    E.g. a call they created, a decision they recorded, a review they wrote.
    """
    try:
        Collector(using=router.db_for_write(user._meta.model)).collect([user])
    except (ProtectedError, RestrictedError) as exc:
        raise AccountDeletionRefused(
            _("Records the programme must keep still refer to this account.")
        ) from exc


def _withdraw_live_applications(user) -> None:
    """Withdraw what is still being considered, as the applicant would: the usual transition.

    A draft decision on one lapses with it (decisions listens to the move), and
    the coordinators see the withdrawal and its reason in the history.
    """
    for application in Application.objects.filter(
        applicant=user, status__in=LIVE_STATUSES
    ).order_by("pk"):
        application_withdraw(
            application=application, by=user, note_code=HistoryNote.ACCOUNT_DELETED
        )


def account_delete(*, user) -> None:
    """Erase `user`'s account (RODO art. 17), keeping the programme's records, anonymised.

    In one transaction:
    - applications still being considered are withdrawn (a draft award lapses);
    - every registered stage erases what it keeps about the person, in
      pipeline order (applicants, reviews, decisions, core): drafts and the
      profile are deleted; submitted applications stay for the call's
      records, detached from the person, their frozen versions and PDF copies
      anonymised and every exact occurrence of the person's names, e-mail
      addresses and phone numbers in free text (theirs, the coordinators', the
      reviewers') replaced by "Deleted person" (in Polish); their uploaded files
      deleted; an award not yet accepted declined; decision letters re-rendered
      anonymised; e-mail records, task rows and sessions naming them deleted;
    - the user is deleted (their allauth e-mail addresses with them).
    Files are deleted from storage once it commits.

    Raises AccountDeletionRefused for a coordinator, or when records the
    programme must keep (e.g. calls they created, reviews they wrote) point to
    the user; AccountDeletionFailed when a step could not be done (nothing is
    deleted then).
    """
    if not can_delete_own_account(user):
        raise AccountDeletionRefused(_("Coordinators can't delete their account here."))
    _refuse_if_protected(user)
    erasure = Erasure(person_of(user))
    try:
        with transaction.atomic():
            _withdraw_live_applications(user)
            personal_data_erase(erasure=erasure)
            try:
                user.delete()
            except (ProtectedError, RestrictedError) as exc:
                raise AccountDeletionRefused(
                    _("Records the programme must keep still refer to this account.")
                ) from exc

            def delete_stored_files() -> None:
                for storage, name in erasure.files_to_delete:
                    storage.delete(name)

            transaction.on_commit(delete_stored_files)
    except BaseException as exc:
        # Rolled back: the anonymised re-renderings written meanwhile go, the originals stay.
        for storage, name in erasure.files_written:
            storage.delete(name)
        if isinstance(exc, ErasureFailed):
            raise AccountDeletionFailed(str(exc)) from exc
        raise

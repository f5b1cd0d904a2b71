"""Reads for guardians' consents and patron confirmations: who on a team needs a consent,
what is still missing (for submission, the agreement and the coordinators' pages), the texts
a guardian or a patron's representative reads, and finding a row by its e-mailed link."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from applicants.enums import ApplicantKind
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationMember,
    GuardianConsent,
    PatronConfirmation,
    age_on,
)
from core.formatting import format_money
from core.link_tokens import link_token_digest
from core.selectors import programme_profile


@dataclass
class YoungPerson:
    """Someone on an application's team who needs a guardian's consent (by the call's age)."""

    user_id: int
    name: str
    born: date
    age: int
    is_lead: bool
    consent: GuardianConsent | None = None

    @property
    def has_consent(self) -> bool:
        return self.consent is not None and self.consent.is_given


@dataclass
class ConsentSummary:
    """An application's young people and its patron confirmation, for pages and checks."""

    people: list[YoungPerson] = field(default_factory=list)
    patron_needed: bool = False
    patron_organisation: str = ""
    patron: PatronConfirmation | None = None

    @property
    def missing(self) -> list[YoungPerson]:
        return [person for person in self.people if not person.has_consent]

    @property
    def patron_missing(self) -> bool:
        return self.patron_needed and not (self.patron and self.patron.is_confirmed)


def consent_day(application: Application, *, now: datetime | None = None) -> date:
    """The day ages are counted on: the day of (first) submission, today while a draft."""
    moment = application.first_submitted_at or now or timezone.now()
    return timezone.localtime(moment).date()


# What consent_summaries reads of an application besides its own row: the lead's profile and the
# patron's confirmation. Selected with the applications (CONSENT_SELECT_RELATED, and with .only()
# the CONSENT_ONLY_FIELDS too), they are read from there instead of by queries of their own.
CONSENT_SELECT_RELATED = ("applicant__applicant_profile", "patron_confirmation")
_PROFILE_FIELDS = ("user_id", "kind", "contact_name", "date_of_birth", "patron_organisation")
CONSENT_ONLY_FIELDS = (
    *(f"applicant__applicant_profile__{name}" for name in _PROFILE_FIELDS),
    *(f"patron_confirmation__{f.name}" for f in PatronConfirmation._meta.concrete_fields),
)
_NOT_SELECTED = object()


def _selected_with(instance, name: str):
    """The related row selected with `instance` (None when there is none), or _NOT_SELECTED."""
    if instance is None:
        return None
    return instance._state.fields_cache.get(name, _NOT_SELECTED)


def consent_summaries(
    applications: Iterable[Application],
    *,
    now: datetime | None = None,
    call=None,
    selected: bool = False,
) -> dict[int, ConsentSummary]:
    """Each application's ConsentSummary, by pk, in at most four queries whatever their number.

    The lead's age comes from their profile, each editor's from their membership; the
    call (select it with the applications) says below which age a consent is needed.
    With `selected` (the applications were just read with CONSENT_SELECT_RELATED) the profile
    and the patron's confirmation come from their rows; the guardians' consents are read only for applications
    with someone young enough to need one (in most calls: one query, the editors').
    """
    applications = list(applications)
    call_given = call  # the list of one call's applications gives it once
    if not applications:
        return {}
    pks = [application.pk for application in applications]
    profiles = {}
    patrons = {}
    profiles_to_read = {a.applicant_id for a in applications if a.applicant_id and not selected}
    patrons_to_read = [] if selected else pks
    for application in applications if selected else ():
        lead = _selected_with(application, "applicant")
        profile = _selected_with(lead, "applicant_profile") if lead is not _NOT_SELECTED else lead
        if profile is _NOT_SELECTED:
            if application.applicant_id:
                profiles_to_read.add(application.applicant_id)
        elif profile is not None:
            profiles[profile.user_id] = profile
        patron = _selected_with(application, "patron_confirmation")
        if patron is _NOT_SELECTED:
            patrons_to_read.append(application.pk)
        elif patron is not None:
            patrons[application.pk] = patron
    if profiles_to_read:
        profiles.update(
            (profile.user_id, profile)
            for profile in ApplicantProfile.objects.filter(user_id__in=profiles_to_read).only(
                *_PROFILE_FIELDS
            )
        )
    if patrons_to_read:
        patrons.update(
            (row.application_id, row)
            for row in PatronConfirmation.objects.filter(application_id__in=patrons_to_read)
        )
    members: dict[int, list[ApplicationMember]] = {}
    for member in ApplicationMember.objects.filter(
        application_id__in=pks, date_of_birth__isnull=False
    ).only("application_id", "user_id", "full_name", "date_of_birth"):
        members.setdefault(member.application_id, []).append(member)

    young: dict[int, list[tuple]] = {}
    for application in applications:
        call = call_given or application.call
        day = consent_day(application, now=now)
        candidates = []
        profile = profiles.get(application.applicant_id)
        if profile is not None and profile.date_of_birth:
            candidates.append(
                (application.applicant_id, profile.contact_name, profile.date_of_birth, True)
            )
        for member in members.get(application.pk, []):
            candidates.append((member.user_id, member.full_name, member.date_of_birth, False))
        young[application.pk] = [
            (user_id, name, born, age_on(born, day), is_lead)
            for user_id, name, born, is_lead in candidates
            if age_on(born, day) < call.guardian_consent_age
        ]
    with_young = [pk for pk, people in young.items() if people]
    consents = {}
    if with_young:
        consents = {
            (consent.application_id, consent.child_id): consent
            for consent in GuardianConsent.objects.filter(application_id__in=with_young)
        }

    summaries = {}
    for application in applications:
        summary = ConsentSummary()
        for user_id, name, born, age, is_lead in young[application.pk]:
            summary.people.append(
                YoungPerson(
                    user_id=user_id,
                    name=name,
                    born=born,
                    age=age,
                    is_lead=is_lead,
                    consent=consents.get((application.pk, user_id)),
                )
            )
        profile = profiles.get(application.applicant_id)
        if (
            profile is not None
            and profile.kind == ApplicantKind.GROUP
            and profile.patron_organisation
        ):
            summary.patron_needed = True
            summary.patron_organisation = profile.patron_organisation
        summary.patron = patrons.get(application.pk)
        summaries[application.pk] = summary
    return summaries


def consent_summary(
    application: Application, *, now: datetime | None = None, selected: bool = False
) -> ConsentSummary:
    return consent_summaries([application], now=now, selected=selected)[application.pk]


def guardian_consent_problems(
    application: Application, *, arrived_at: datetime
) -> list[tuple[str, str]]:
    """(anchor, message) of what submission waits for: each young person's missing consent (unless the call lets
    consents follow until the agreement) and, where the call requires it, the patron's
    confirmation."""
    call = application.call
    summary = consent_summary(application, now=arrived_at)
    problems = []
    if not call.guardian_consents_may_follow:
        problems += [("guardians", _missing_consent_message(person)) for person in summary.missing]
    if call.patron_confirmation_required and summary.patron_missing:
        problems.append(
            (
                "patron",
                _("%(organisation)s, your patron organisation, has not confirmed yet.")
                % {"organisation": summary.patron_organisation},
            )
        )
    return problems


def _missing_consent_message(person: YoungPerson) -> str:
    consent = person.consent
    if consent is None:
        return _("%(name)s is %(age)s: a parent's or guardian's consent is needed.") % {
            "name": person.name,
            "age": person.age,
        }
    return _("The consent of %(name)s's guardian: %(state)s.") % {
        "name": person.name,
        "state": consent.get_state_display(),
    }


def guardian_consents_missing_for_agreement(application: Application) -> list[str]:
    """What the agreement waits for: every consent the team needed on the day of submission."""
    return [_missing_consent_message(person) for person in consent_summary(application).missing]


# --- The e-mailed links --------------------------------------------------------------------------


def guardian_consent_by_token(raw: str) -> GuardianConsent:
    """The consent this link was sent for; 404 for any other string."""
    consent = (
        GuardianConsent.objects.filter(token_digest=link_token_digest(raw))
        .select_related("application__call")
        .first()
    )
    if consent is None:
        raise Http404
    return consent


def patron_confirmation_by_token(raw: str) -> PatronConfirmation:
    confirmation = (
        PatronConfirmation.objects.filter(token_digest=link_token_digest(raw))
        .select_related("application__call", "application__applicant__applicant_profile")
        .first()
    )
    if confirmation is None:
        raise Http404
    return confirmation


def link_expired(row: GuardianConsent | PatronConfirmation, *, now: datetime) -> bool:
    """Whether the link can no longer answer: past its time while waiting for an answer.
    A given consent's link keeps working for withdrawing it (as easy as giving it)."""
    waiting = row.state in (GuardianConsentState.REQUESTED, PatronConfirmationState.REQUESTED)
    return waiting and now >= row.link_expires_at


# --- What the guardian and the representative read -----------------------------------------------


def _about_the_project(application: Application) -> list[tuple[str, str]]:
    call = application.call
    return [
        (
            _("What for"),
            _(
                "The application “%(title)s” to the call “%(call)s” of the programme "
                "“%(programme)s”. The team asks for %(amount)s for the project."
            )
            % {
                "title": application.display_title,
                "call": call.title,
                "programme": call.programme,
                "amount": format_money(application.requested_amount),
            },
        ),
        (_("The project in short"), application.summary or _("(not written yet)")),
        (
            _("What happens next"),
            _(
                "The programme team checks that the application is complete, independent reviewers "
                "score it and a committee decides which projects get a grant. If it is funded, the "
                "team signs an agreement, carries out the project and reports on how the money "
                "was spent."
            ),
        ),
    ]


def guardian_consent_sections(consent: GuardianConsent) -> list[tuple[str, str]]:
    """What the guardian reads before answering, as (heading, text) pairs."""
    application = consent.application
    call = application.call
    name = consent.child_name
    return [
        (
            _("Who asks"),
            _(
                "%(name)s is working on an application for a grant with their team and, being "
                "under %(age)s, needs the consent of a parent or legal guardian. The e-mail "
                "was sent to you, %(guardian)s, because %(name)s named you as their guardian."
            )
            % {"name": name, "age": call.guardian_consent_age, "guardian": consent.guardian_name},
        ),
        *_about_the_project(application),
        (
            _("Which personal data, and who processes them"),
            _(
                "%(name)s's name, date of birth, e-mail address and postal address, and what the "
                "team writes in the application; your name, your e-mail address and your answer. "
            )
            % {"name": name}
            + "\n\n"
            + _("The programme's privacy notice, as the team reads it:")
            + "\n"
            + programme_profile().controller_statement()
            + "\n\n"
            + call.privacy_notice,
        ),
        (
            _("Withdrawing"),
            _(
                "You can withdraw the consent at any time through the same link. Withdrawing "
                "does not undo what was done before it, but without a consent the project "
                "cannot go on to the agreement."
            ),
        ),
    ]


def guardian_consent_statement(consent: GuardianConsent, *, give: bool) -> str:
    if give:
        return _(
            "I am the parent or legal guardian of %(name)s. I consent to their taking part in "
            "this application and to the processing of their personal data as described above."
        ) % {"name": consent.child_name}
    return _(
        "I am the parent or legal guardian of %(name)s. I do not consent to their taking "
        "part in this application."
    ) % {"name": consent.child_name}


def patron_obligations_text(application: Application) -> str:
    return application.call.patron_obligations or _(
        "By confirming, the organisation agrees to be the group's patron: if the project is "
        "funded, it signs the agreement with the programme on the group's behalf, receives the "
        "grant on its bank account, keeps the receipts and invoices, helps the group report on "
        "the project and settle the grant, and supports the group while the project runs."
    )


def patron_confirmation_sections(confirmation: PatronConfirmation) -> list[tuple[str, str]]:
    """What the patron's representative reads before answering, as (heading, text) pairs."""
    application = confirmation.application
    profile = (
        getattr(application.applicant, "applicant_profile", None) if application.applicant else None
    )
    group = profile.display_name if profile else application.applicant_name
    return [
        (
            _("Who asks"),
            _(
                "The informal group “%(group)s” named %(organisation)s as its patron "
                "organisation, and you, %(representative)s, as the person who confirms it."
            )
            % {
                "group": group,
                "organisation": confirmation.organisation_name,
                "representative": confirmation.representative_name,
            },
        ),
        *_about_the_project(application),
        (_("What the patron organisation takes on"), patron_obligations_text(application)),
        (
            _("Personal data"),
            _("We keep your name, your e-mail address and your answer. ")
            + programme_profile().controller_statement(),
        ),
    ]


def patron_confirmation_statement(confirmation: PatronConfirmation, *, confirm: bool) -> str:
    if confirm:
        return _(
            "On behalf of %(organisation)s I confirm that it will be the group's patron "
            "organisation and take on what is described above."
        ) % {"organisation": confirmation.organisation_name}
    return _("On behalf of %(organisation)s I decline to be the group's patron organisation.") % {
        "organisation": confirmation.organisation_name
    }


def sections_text(sections: list[tuple[str, str]], statement: str) -> str:
    """The plain text stored with an answer: every heading and paragraph shown, then the statement."""
    return "\n\n".join([*(f"{heading}\n{text}" for heading, text in sections), statement])


def consents_about(*, user) -> list[GuardianConsent]:
    """The guardians' consents about `user` (they are the young person), for My data."""
    return list(
        GuardianConsent.objects.filter(Q(child=user))
        .select_related("application__call")
        .order_by("pk")
    )

"""What the projects stage has waiting for people (core.waiting) and tells applicants of their
accepted awards on "My applications" (applicants.awards).

For grantees: what their grant needs from them (budget, bank account, signatories,
the signature before the deadline). For coordinators, per call: agreements to
send, countersignatures, payments due and bank account changes to confirm.
One query per reader, read from the same annotations as the grants list.
"""

from allauth.account.models import EmailAddress
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.awards import ProjectNote, register_project_reader
from core.enums import Role
from core.waiting import WaitingItem, register_waiting
from projects.enums import SIGNED_STATES, AgreementState, GrantState
from projects.models import Grant, Signatory
from projects.progress import WaitingWhom, grantee_tasks, waiting_for
from projects.selectors import grants_with_progress, progress_from_row


def grantee_waiting(*, user, now) -> list[WaitingItem]:
    """The user's grants waiting for them: what to give before the agreement, or to sign it."""
    grants = grants_with_progress(
        Grant.objects.of_grantee(user).filter(
            state__in=[GrantState.AGREEMENT_TO_PREPARE, GrantState.AGREEMENT_SENT]
        )
    ).order_by("signing_deadline", "pk")
    items = []
    for grant in grants:
        progress = progress_from_row(grant)
        waiting = waiting_for(progress)
        url = reverse("projects:grant", kwargs={"pk": grant.pk})
        if waiting.whom == WaitingWhom.GRANTEE:
            items.append(
                WaitingItem(
                    text=_("Your project needs: %(what)s")
                    % {"what": ", ".join(grantee_tasks(progress))},
                    url=url,
                    context=grant.title,
                )
            )
        elif waiting.whom == WaitingWhom.SIGNATORIES:
            deadline = grant.signing_deadline
            items.append(
                WaitingItem(
                    text=_("Sign the agreement for “%(title)s”") % {"title": grant.title},
                    url=url,
                    context=grant.reference_number,
                    deadline=deadline,
                    overdue=deadline is not None and deadline < now,
                )
            )
    return items


COORDINATOR_COUNTS = {
    # count name: the grants it counts (over grants_with_progress' annotations)
    "to_send": Q(state=GrantState.AGREEMENT_TO_PREPARE, waiting_whom=WaitingWhom.COORDINATOR),
    # Sent, and every signatory signed (or a signed file waits to be checked).
    "to_countersign": Q(state=GrantState.AGREEMENT_SENT, waiting_whom=WaitingWhom.COORDINATOR),
    "payments_due": Q(state__in=list(SIGNED_STATES), payments_due_count__gt=0),
    "account_changes": Q(has_account_change=True) & ~Q(state=GrantState.TERMINATED),
}


def _coordinator_text(name: str, count: int) -> str:
    texts = {
        "to_send": ngettext("%(count)d agreement to send", "%(count)d agreements to send", count),
        "to_countersign": ngettext(
            "%(count)d agreement to countersign", "%(count)d agreements to countersign", count
        ),
        "payments_due": ngettext(
            "%(count)d grant with a payment due", "%(count)d grants with a payment due", count
        ),
        "account_changes": ngettext(
            "%(count)d bank account change to confirm",
            "%(count)d bank account changes to confirm",
            count,
        ),
    }
    return texts[name] % {"count": count}


def coordinator_waiting(*, user, now) -> list[WaitingItem]:
    """Per call, the grants waiting for a coordinator: what to send, countersign, pay, confirm."""
    rows = (
        grants_with_progress(Grant.objects.exclude(state=GrantState.TERMINATED))
        .values("call_id", "call__title")
        .annotate(
            **{
                name: Count("pk", filter=condition)
                for name, condition in COORDINATOR_COUNTS.items()
            }
        )
        .order_by("call_id")
    )
    items = []
    for row in rows:
        for name in COORDINATOR_COUNTS:
            if row[name]:
                query = "?waiting=coordinator" if name != "account_changes" else ""
                items.append(
                    WaitingItem(
                        text=_coordinator_text(name, row[name]),
                        url=reverse("projects_manage:grants", kwargs={"pk": row["call_id"]})
                        + query,
                        context=row["call__title"],
                    )
                )
    return items


def project_notes(*, application_ids) -> dict[int, ProjectNote]:
    """The funded projects of `application_ids`: the grantee's page and the state."""
    return {
        grant.application_id: ProjectNote(
            url=grant.get_absolute_url(),
            state_label=str(grant.get_state_display()),
            badge=grant.state_badge,
        )
        for grant in Grant.objects.filter(application_id__in=application_ids).only(
            "id", "application_id", "state"
        )
    }


def signatory_waiting(*, user, now) -> list[WaitingItem]:
    """Agreements of other people's grants that `user` is named to sign and hasn't signed yet
    (a group's member, an organisation's representative): linked to their account, or named
    by an address the account has confirmed."""
    confirmed = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    signatories = (
        Signatory.objects.annotate(address=Lower("email"))
        .filter(
            Q(user=user) | Q(user__isnull=True, address__in=confirmed),
            grant__state=GrantState.AGREEMENT_SENT,
        )
        .exclude(grant__application__applicant=user)
        .exclude(signatures__agreement__state=AgreementState.SENT)
        .select_related("grant")
        .order_by("grant__signing_deadline", "pk")
    )
    return [
        WaitingItem(
            text=_("Sign the agreement for “%(title)s”") % {"title": signatory.grant.title},
            url=reverse("projects:sign", kwargs={"pk": signatory.grant_id}),
            context=signatory.grant.grantee_name,
            deadline=signatory.grant.signing_deadline,
            overdue=signatory.grant.signing_deadline is not None
            and signatory.grant.signing_deadline < now,
        )
        for signatory in signatories
    ]


def register() -> None:
    register_waiting(Role.APPLICANT, grantee_waiting)
    register_waiting(Role.APPLICANT, signatory_waiting)
    register_waiting(Role.COORDINATOR, coordinator_waiting)
    register_project_reader(project_notes)

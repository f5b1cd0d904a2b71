"""A call's pool of reviewers and the invitations to join it."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import email_enqueue, email_subject
from grants.models import GrantCall
from reviews.models import (
    Invitation,
    PoolMember,
    invitation_expiry,
    invitation_token,
    invitation_token_hash,
)
from reviews.services.states import (
    _frozen_call,
)

# --- pools and invitations ----------------------------------------------------------------


def pool_add(*, call: GrantCall, reviewer: User, by) -> PoolMember:
    member, _created = PoolMember.objects.get_or_create(
        call=call, reviewer=reviewer, defaults={"added_by": by}
    )
    return member


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _invitation_message(invitation: Invitation, *, token: str | None) -> EmailMessage:
    """The invitation e-mail: a link with `token` to accept, or the dashboard once accepted."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    with translation.override(user.language if user else settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "call": invitation.call,
            "user": user,
            "url": _absolute(reverse("reviews:invitation", kwargs={"token": token}))
            if token
            else _absolute(reverse("reviews:dashboard")),
        }
        return EmailMessage(
            subject=email_subject("reviews/email/invitation_subject.txt", context),
            body=render_to_string("reviews/email/invitation_body.txt", context),
            to=[invitation.email],
        )


@transaction.atomic
def invitation_send(*, invitation: Invitation) -> Invitation:
    """E-mail the invitation; a pending one gets a fresh link, and any earlier link stops working.

    Only the new token's hash is stored. The e-mail with the link waits in the
    outbox (core.mail) until the worker sends it, and its text is erased then.
    """
    invitation = (
        # of=self: PostgreSQL can't lock the nullable side of the outer join to invited_by.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("call", "invited_by")
        .get(pk=invitation.pk)
    )
    token = None
    if invitation.accepted_at is None:
        token = invitation_token()
        invitation.token_hash = invitation_token_hash(token)
        invitation.save(update_fields=["token_hash"])
    user = User.objects.filter(email__iexact=invitation.email).first()
    email_enqueue(
        _invitation_message(invitation, token=token), kind="reviews/invitation", user=user
    )
    return invitation


@transaction.atomic
def pool_invite(
    *, call: GrantCall, emails: Iterable[str], by
) -> tuple[list[PoolMember], list[Invitation]]:
    """Add people with an account to the pool now; e-mail an invitation link to everyone else.

    Inviting an address again sends its pending invitation again, valid for a
    fresh period, with a fresh link: the one e-mailed before stops working.
    """
    call = GrantCall.objects.select_for_update().get(pk=call.pk)
    if call.reviews_frozen:
        raise _frozen_call(call)
    added, invited = [], []
    for email in {e.strip().lower() for e in emails if e.strip()}:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            added.append(pool_add(call=call, reviewer=user, by=by))
            invitation = Invitation.objects.create(
                call=call, email=email, invited_by=by, accepted_at=timezone.now(), accepted_by=user
            )
            invitation_send(invitation=invitation)
        else:
            invitation = Invitation.objects.filter(
                call=call, email=email, accepted_at__isnull=True
            ).first()
            if invitation is None:
                invitation = Invitation.objects.create(call=call, email=email, invited_by=by)
            else:
                invitation.expires_at = invitation_expiry()
                invitation.save(update_fields=["expires_at"])
            invited.append(invitation_send(invitation=invitation))
    return added, invited


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """Send a pending (or expired) invitation again, with a fresh link that works for a fresh
    period; the link e-mailed before stops working."""
    invitation = Invitation.objects.select_for_update().select_related("call").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("%(email)s has already accepted this invitation.") % {"email": invitation.email},
            code="used",
        )
    if invitation.call.reviews_frozen:
        raise _frozen_call(invitation.call)
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["expires_at"])
    return invitation_send(invitation=invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> PoolMember:
    """The invited person, now signed in, joins the pool (once; the link then stops working).

    Refused with a ValidationError whose code says why: "used" by someone else,
    sent to another "wrong_address", the call is "call_closed" to reviewers
    (decided or archived), or the invitation has "expired".
    """
    invitation = Invitation.objects.select_for_update().select_related("call").get(pk=invitation.pk)
    if invitation.accepted_at:
        if invitation.accepted_by_id != user.pk:
            raise ValidationError(_("This invitation has already been used."), code="used")
        return pool_add(call=invitation.call, reviewer=user, by=invitation.invited_by)
    if user.email.casefold() != invitation.email.casefold():
        # A forwarded link doesn't make someone a reviewer: the invitee signs in as themselves.
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_address",
        )
    if invitation.call.reviews_frozen:
        raise ValidationError(
            _("The call “%(call)s” is no longer reviewing applications.")
            % {"call": invitation.call.title},
            code="call_closed",
        )
    if invitation.is_expired():
        raise ValidationError(_("This invitation has expired."), code="expired")
    member = pool_add(call=invitation.call, reviewer=user, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member

"""django-allauth hooks: e-mails go through the task queue in the programme's name (their
wording is ours: templates/account/email/); used reset keys leave the session; after logging
in, everyone starts where their work is."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from allauth.account.views._password_reset import (  # where allauth keeps it (its logout uses it too)
    INTERNAL_RESET_SESSION_KEY,
)
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import SECOND_FACTORS, two_factor_required
from core.mail import email_enqueue, email_subject_prefix
from core.selectors import programme_profile


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """The same prefix as every other e-mail: the service's name from the programme profile."""
        return email_subject_prefix() + subject

    def get_login_redirect_url(self, request) -> str:
        """/start/, which sends each person to the start page of their most urgent role.

        Only when the login came without a `?next=` (allauth follows a safe one
        first). The roles belong to later stages, which accounts can't import:
        /start/ asks them through core.waiting.
        """
        return reverse("start")

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the allauth e-mail now and let the task worker send it.

        The rendered text (with its confirmation or password-reset link) waits
        in an OutgoingEmail row, never in the task queue, and is erased once sent.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        user = context.get("user")
        email_enqueue(
            self.render_mail(template_prefix, email, ctx),
            kind=template_prefix,
            user=user if isinstance(user, get_user_model()) else None,
        )


@receiver(password_reset)
def forget_the_used_reset_key(sender, request, user, **kwargs) -> None:
    """Drop the reset key allauth parked in the session: once used it must not be kept anywhere."""
    request.session.pop(INTERNAL_RESET_SESSION_KEY, None)


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor sign-in: the authenticator app names our service; a coordinator who must use
    two-factor sign-in cannot remove their last second factor."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Coordinators must keep two-factor sign-in on. Add a security key or another "
            "authenticator first, then remove this one."
        ),
    }

    def get_totp_issuer(self) -> str:
        return programme_profile().site_name

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if not two_factor_required(user=user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()

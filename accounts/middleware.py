"""Coordinators without a second factor are sent to set one up (settings.REQUIRE_STAFF_2FA)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor import two_factor_enabled, two_factor_required


def _paths_always_open() -> tuple[str, ...]:
    """Where a coordinator may go before enrolling: enrolment itself (and the password check
    allauth asks for before it), logging out, static files and switching the language."""
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("set_language"),
        reverse("javascript-catalog"),
        reverse("favicon"),
        settings.STATIC_URL,
    )


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_STAFF_2FA and self._must_enrol_first(request):
            return redirect("mfa_index")
        return self.get_response(request)

    def _must_enrol_first(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(_paths_always_open()):
            return False
        # Two small queries on a coordinator's pages only while enforcement is on; nothing
        # is remembered in the session, so removing the last factor locks the pages again.
        return two_factor_required(user=user) and not two_factor_enabled(user=user)

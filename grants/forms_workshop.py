"""The forms of workshop mode: opening it (coordinators) and signing up (everyone).

WorkshopSignupForm is allauth's sign-up form (settings.ACCOUNT_FORMS["signup"]) with the
per-address sign-up limit, which a browser that came through an open workshop's link skips.
"""

from allauth.account.forms import SignupForm
from allauth.core import context, ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from grants.workshops import (
    MAX_WORKSHOP_HOURS,
    WORKSHOP_SESSION_KEY,
    workshop_running_by_id,
    workshop_sign_up_count,
)


class WorkshopOpenForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("For how long"),
        coerce=int,
        choices=[(h, _("%(hours)d h") % {"hours": h}) for h in range(1, MAX_WORKSHOP_HOURS + 1)],
        initial=3,
        help_text=_("It closes by itself then; you can also end it earlier."),
    )


class WorkshopSignupForm(SignupForm):
    too_many_message = _(
        "Many accounts were just made from your network. Please try again in a few minutes. "
        "Signing up at a workshop? Ask the coordinator for the workshop link."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = context.request
        self.workshop = (
            workshop_running_by_id(pk=request.session.get(WORKSHOP_SESSION_KEY))
            if request is not None
            else None
        )

    def clean(self):
        cleaned_data = super().clean()
        # Only sign-ups that would make an account count, and only outside a workshop.
        if (
            not self.errors
            and self.workshop is None
            and not ratelimit.consume(context.request, action="signup_address")
        ):
            raise forms.ValidationError(self.too_many_message, code="rate_limited")
        return cleaned_data

    def save(self, request):
        user = super().save(request)
        if user is not None and self.workshop is not None:
            workshop_sign_up_count(workshop_id=self.workshop.pk)
        return user

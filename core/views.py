"""Views every stage may use."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseGone, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.views import View
from django.views.generic import RedirectView

from core.enums import Role
from core.waiting import desk_for


class MovedPermanently(RedirectView):
    """An address that moved: a permanent redirect to `pattern_name`, with the same arguments
    and query string. It answers 308, so a form still sent to the old address (a page left
    open across the move) arrives at the new one with its method and fields intact."""

    permanent = True
    query_string = True

    def get(self, request, *args, **kwargs):
        url = self.get_redirect_url(*args, **kwargs)
        if url is None:
            return HttpResponseGone()
        return HttpResponsePermanentRedirect(url, preserve_request=True)


class StartView(LoginRequiredMixin, View):
    """Where everyone goes after logging in: the start page of their most urgent role.

    The roles and what is waiting in them come from the stages (core.waiting);
    a `?next=` given to the login page never comes here (allauth follows it first).
    """

    def get(self, request, *args, **kwargs):
        landing = desk_for(user=request.user).landing()
        return redirect(landing.start_url if landing else "home")


class WaitingForYouMixin:
    """A role's start page: what is waiting for the person in `waiting_role`, and in their other roles.

    The template shows them with includes/waiting.html.
    """

    waiting_role: Role

    def get_context_data(self, **kwargs):
        desk = desk_for(user=self.request.user)
        return super().get_context_data(
            waiting=desk.work(self.waiting_role),
            waiting_others=desk.others(self.waiting_role),
            **kwargs,
        )

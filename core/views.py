"""Views every stage may use: moved addresses, the error pages, /favicon.ico."""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseGone,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import RedirectView

from core.enums import Role
from core.logos import SVG
from core.selectors import programme_logo
from core.waiting import desk_for

logger = logging.getLogger(__name__)


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


class FaviconRedirect(RedirectView):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links to: the
    icon in static/ (its hashed address in production, so not a permanent redirect)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.ico")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=86400"
        return response


# --- Error pages ------------------------------------------------------------------------------
# In the site's layout and the visitor's language (LocaleMiddleware has chosen it before any
# view runs), each with a way back. None shows the exception: its text is for the log.
# A refusal (403) is logged once by Django (core.log_filters keeps it to one line); these
# views log nothing more.


def _previous_page(request) -> str:
    """The page the visitor came from, when it is one of ours; "" otherwise."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a refused Host header (the 400 page's usual cause): no way to tell
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _csrf_token(request) -> str:
    try:
        return get_token(request)
    except Exception:  # a request broken before the CSRF middleware: no language switch then
        return ""


def _page(request, template_name: str, *, with_request: bool, **context) -> str:
    """Render an error page.

    `with_request` renders with the request's context processors (the navigation knows who is
    signed in); without it, nothing is read from the database or the session, so the page
    renders when they are what failed.
    """
    context.setdefault("back_url", _previous_page(request))
    if with_request:
        return loader.render_to_string(template_name, context, request=request)
    # The language switch in the header needs these two; neither reads the database.
    context.update(request=request, csrf_token=_csrf_token(request))
    return loader.render_to_string(template_name, context)


def bad_request(request, exception, template_name="400.html"):
    return HttpResponseBadRequest(_page(request, template_name, with_request=False))


def permission_denied(request, exception, template_name="403.html"):
    return HttpResponseForbidden(_page(request, template_name, with_request=True))


def page_not_found(request, exception, template_name="404.html"):
    return HttpResponseNotFound(_page(request, template_name, with_request=True))


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """A form refused by the CSRF check: most often the page stayed open while the person
    logged in or out elsewhere. A fresh token cookie goes with the answer, so going back and
    sending again works (static/js/app.js puts the new token into the forms)."""
    return HttpResponseForbidden(_page(request, template_name, with_request=True))


def server_error(request, template_name="500.html"):
    """The 500 page, whatever broke: without the database and the request's context, and if
    even the layout fails, a page of plain text in the same language."""
    try:
        return HttpResponseServerError(_page(request, template_name, with_request=False))
    except Exception:
        logger.exception("The 500 page could not be rendered; plain text sent instead")
    return HttpResponseServerError(
        format_html(
            '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{} · Mikrogranty</title></head><body><main><h1>{}</h1><p>{}</p>"
            '<p><a href="/">{}</a></p></main></body></html>',
            get_language() or "pl",
            _("Something went wrong on our side"),
            _("Something went wrong on our side"),
            _(
                "The error has been recorded. Please try again in a few minutes; if you were "
                "sending a form, go back: what you typed is still on the previous page."
            ),
            _("Go to the home page"),
        )
    )


# The logo is served from our origin: even an SVG opened on its own may load nothing and
# run nothing (core.logos already refuses scripts; this is the second lock).
LOGO_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


class ProgrammeLogoView(View):
    """The programme's logo, for the site's header (404 when the programme has none)."""

    def get(self, request, *args, **kwargs):
        logo = programme_logo()
        if logo is None:
            raise Http404("The programme has no logo.")
        data, content_type = logo
        response = HttpResponse(data, content_type=content_type)
        response["Content-Security-Policy"] = LOGO_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline; filename=logo" + (
            ".svg" if content_type == SVG else ".png"
        )
        # Pages link to it with ?v=<when it changed>: a new logo is a new address.
        response["Cache-Control"] = "public, max-age=86400"
        return response


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

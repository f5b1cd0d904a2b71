"""Views every stage may use."""

from django.http import Http404, HttpResponse, HttpResponseGone, HttpResponsePermanentRedirect
from django.views import View
from django.views.generic import RedirectView

from core.logos import SVG
from core.selectors import programme_logo


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

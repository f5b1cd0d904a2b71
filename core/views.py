"""Views every stage may use."""

from django.http import HttpResponseGone, HttpResponsePermanentRedirect
from django.views.generic import RedirectView


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

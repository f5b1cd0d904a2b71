"""Middleware shared by every app."""

from django.utils import timezone


class RequestArrivalMiddleware:
    """Stamp each request with the moment it reached the server.

    Deadlines are judged at that moment, so a submission that arrives at 23:59:59
    and waits for a database lock is still in time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.arrived_at = timezone.now()
        return self.get_response(request)

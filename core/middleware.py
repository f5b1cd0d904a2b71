"""Middleware shared by every app."""

from django.utils import timezone

# Methods that send a form (a submission, a save): their answers carry the arrival stamp.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestArrivalMiddleware:
    """Stamp each request with the moment it reached the server.

    Deadlines are judged at that moment, so a submission that arrives at 23:59:59
    and waits for a database lock is still in time. The answer to a form tells that
    moment in `X-Arrived-At` (ISO 8601, UTC, microseconds): an applicant refused at
    the deadline, support, and `make loadtest` can see what the server judged by,
    also for refusals, which store nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.arrived_at = timezone.now()
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS:
            response.headers["X-Arrived-At"] = request.arrived_at.isoformat(timespec="microseconds")
        return response

"""Logging filters named in settings.LOGGING."""

import logging


class ForbiddenOnOneLine(logging.Filter):
    """Log a 403 as one line (method, path, user id, reason) without a traceback.

    Django logs a refused request through `django.request` (with the
    PermissionDenied traceback attached) or `django.security.csrf`. A refusal is
    the permission checks doing their job: worth one line to spot someone
    probing other people's applications, not a stack trace per attempt.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        reason = record.getMessage().split(": /", 1)[0]  # Django's "Forbidden (…): /path"
        if record.exc_info and record.exc_info[1] is not None and str(record.exc_info[1]):
            reason += f" {record.exc_info[1]}"
        record.msg = "%s: %s %s (user %s)"
        path = getattr(request, "path", "-")
        record.args = (
            reason,
            getattr(request, "method", "-"),
            # As Django does: a path may hold any character, even a newline
            # that would forge a second log line.
            path.encode("unicode_escape").decode("ascii"),
            self._user_id(request),
        )
        record.exc_info = record.exc_text = record.stack_info = None
        return True

    @staticmethod
    def _user_id(request) -> str:
        try:
            user = request.user
            return str(user.pk) if user.is_authenticated else "anonymous"
        except Exception:  # no user on the request (or its lookup failed): still log the 403
            return "unknown"

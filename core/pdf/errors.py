"""What the PDF renderer raises, and how a page says that no PDF could be made."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class FetchRefused(ValueError):
    """A resource the PDF renderer will not load: anything but data: URIs and static files."""


class RenderFailed(Exception):
    """A document could not be rendered to PDF; the message says why (for the logs and coordinators)."""


class RenderTimedOut(RenderFailed):
    """The render took longer than its time limit and was stopped."""


class RenderOutOfMemory(RenderFailed):
    """The render needed more memory than a single render may take."""


def render_refusal(exc: BaseException, *, message: str) -> ValidationError:
    """The form error (on "body", code "render") for a text no PDF could be made from.

    `message` is the page's own sentence, with a %(cause)s placeholder that is
    filled with why, in the coordinator's words: nested too deeply, too long or
    complex for the bounded renderer, or what the renderer said.
    """
    if isinstance(exc, RecursionError):
        cause = _("it is nested too deeply")
    elif isinstance(exc, RenderFailed):  # too slow or too big for the bounded renderer
        cause = _("it is too long or too complex to render")
    else:
        cause = str(exc) or type(exc).__name__
    return ValidationError({"body": message % {"cause": cause[:300]}}, code="render")

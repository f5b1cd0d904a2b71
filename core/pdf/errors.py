"""What the PDF renderer raises."""


class FetchRefused(ValueError):
    """A resource the PDF renderer will not load: anything but data: URIs and static files."""


class RenderFailed(Exception):
    """A document could not be rendered to PDF; the message says why (for the logs and coordinators)."""


class RenderTimedOut(RenderFailed):
    """The render took longer than its time limit and was stopped."""


class RenderOutOfMemory(RenderFailed):
    """The render needed more memory than a single render may take."""

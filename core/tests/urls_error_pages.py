"""The site's URLs plus pages that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

SECRET_DETAIL = "pg-password=hunter2-at-db.internal"


def fails(request):
    raise RuntimeError(f"could not connect: {SECRET_DETAIL}")


def refuses(request):
    raise PermissionDenied(f"internal rule: {SECRET_DETAIL}")


def misunderstands(request):
    raise BadRequest(SECRET_DETAIL)


urlpatterns = [
    *urlpatterns,
    path("test-fails/", fails),
    path("test-refuses/", refuses),
    path("test-bad-request/", misunderstands),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

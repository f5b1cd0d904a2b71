"""Reads of applications that pages need, scoped to who is asking, with what templates touch."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    StatusChange,
)


def application_list_for_applicant(*, user) -> QuerySet[Application]:
    """The user's own applications across calls, newest first, with their call and history."""
    return (
        Application.objects.owned_by(user)
        .select_related("call")
        .prefetch_related(
            Prefetch("versions", queryset=ApplicationVersion.objects.only("id", "application_id", "number", "submitted_at")),
        )
        .order_by("-updated_at", "-pk")
    )


def application_get_for_owner(*, user, pk: int) -> Application:
    """One of the user's own applications; 404 for anyone else's (never a hint it exists)."""
    return get_object_or_404(Application.objects.owned_by(user).select_related("call", "applicant"), pk=pk)


def application_get_for_coordinator(*, pk: int) -> Application:
    return get_object_or_404(Application.objects.select_related("call", "applicant"), pk=pk)


def application_timeline(application: Application) -> QuerySet[StatusChange]:
    return application.status_changes.select_related("by").order_by("at", "pk")


def application_versions(application: Application) -> QuerySet[ApplicationVersion]:
    return application.versions.prefetch_related("attachments").order_by("number")


def application_attachments(application: Application) -> QuerySet[Attachment]:
    """The working copy's files (removed ones stay only with the versions that list them)."""
    return application.attachments.filter(removed_at__isnull=True).select_related("requirement")


def application_attachment_for(*, application: Application, attachment_pk: int) -> Attachment:
    """A file of this application: a current one or one kept by a submitted version."""
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def profile_for(user) -> ApplicantProfile | None:
    return ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()

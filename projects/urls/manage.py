"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import manage, signing, termination

app_name = "projects_manage"

urlpatterns = [
    # A call's grants.
    path("calls/<int:pk>/", manage.CallGrantsView.as_view(), name="grants"),
    # One grant, by its own id.
    path("<int:pk>/", manage.GrantDetailView.as_view(), name="grant"),
    # Terminating a grant, with a reason.
    path("<int:pk>/terminate/", termination.GrantTerminateView.as_view(), name="terminate"),
    # Signing: an uploaded signed agreement (confirm or refuse a scan), the countersignature.
    path(
        "<int:pk>/signed/<int:document_pk>/",
        signing.SignedDocumentView.as_view(),
        name="signed_document",
    ),
    path(
        "<int:pk>/signed/<int:document_pk>/file/",
        signing.SignedDocumentFileView.as_view(),
        name="signed_document_file",
    ),
    path("<int:pk>/countersign/", signing.CountersignView.as_view(), name="countersign"),
]

"""The coordinators' pages for applications: a call's list, one application, the formal
check (mounted at /manage/applications/)."""

from django.urls import path

from applicants.enums import VersionPdfKind
from applicants.views import manage
from applicants.views.manage_list import ApplicationListView

app_name = "applicants_manage"

urlpatterns = [
    path("calls/<int:call_pk>/", ApplicationListView.as_view(), name="list"),
    path("<int:pk>/", manage.ApplicationManageView.as_view(), name="detail"),
    path("<int:pk>/formal-check/", manage.FormalCheckView.as_view(), name="formal_check"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        manage.ManageAttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "<int:pk>/versions/<int:number>.pdf",
        manage.ManageVersionPdfView.as_view(),
        name="version_pdf",
    ),
    path(
        "<int:pk>/versions/<int:number>-reviewers.pdf",
        manage.ManageVersionPdfView.as_view(kind=VersionPdfKind.REVIEWER),
        name="version_reviewer_pdf",
    ),
    path(
        "<int:pk>/versions/<int:number>/pdf/<slug:kind>/retry/",
        manage.ManageVersionPdfRetryView.as_view(),
        name="version_pdf_retry",
    ),
]

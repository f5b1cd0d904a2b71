from django.urls import path

from applicants.enums import VersionPdfKind
from applicants.views import applicant, manage

app_name = "applicants"

urlpatterns = [
    path("calls/<slug:slug>/apply/", applicant.ApplyView.as_view(), name="apply"),
    path("profile/", applicant.ProfileView.as_view(), name="profile"),
    path("applications/", applicant.MyApplicationsView.as_view(), name="my_applications"),
    path(
        "applications/<int:pk>/",
        applicant.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/attachments/",
        applicant.AttachmentsView.as_view(),
        name="attachments",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applicant.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        applicant.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("applications/<int:pk>/submit/", applicant.SubmitView.as_view(), name="submit"),
    path("applications/<int:pk>/withdraw/", applicant.WithdrawView.as_view(), name="withdraw"),
    path(
        "applications/<int:pk>/versions/<int:number>.pdf",
        applicant.VersionPdfView.as_view(),
        name="version_pdf",
    ),
    path("applications/<int:pk>/<slug:section>/", applicant.SectionView.as_view(), name="section"),
    path(
        "manage/applications/<int:pk>/",
        manage.ApplicationManageView.as_view(),
        name="manage_detail",
    ),
    path(
        "manage/applications/<int:pk>/formal-check/",
        manage.FormalCheckView.as_view(),
        name="formal_check",
    ),
    path(
        "manage/applications/<int:pk>/attachments/<int:attachment_pk>/",
        manage.ManageAttachmentDownloadView.as_view(),
        name="manage_attachment_download",
    ),
    path(
        "manage/applications/<int:pk>/versions/<int:number>.pdf",
        manage.ManageVersionPdfView.as_view(),
        name="manage_version_pdf",
    ),
    path(
        "manage/applications/<int:pk>/versions/<int:number>-reviewers.pdf",
        manage.ManageVersionPdfView.as_view(kind=VersionPdfKind.REVIEWER),
        name="manage_version_reviewer_pdf",
    ),
    path(
        "manage/applications/<int:pk>/versions/<int:number>/pdf/<slug:kind>/retry/",
        manage.ManageVersionPdfRetryView.as_view(),
        name="manage_version_pdf_retry",
    ),
]

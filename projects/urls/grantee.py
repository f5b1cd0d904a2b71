"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import agreements, grantee, payments, reports, signing

app_name = "projects"

urlpatterns = [
    path("<int:pk>/", grantee.GrantView.as_view(), name="grant"),
    # Signing the agreement: who signs, the signed files, and each signatory's own page.
    path("<int:pk>/signatories/", signing.SignatoriesView.as_view(), name="signatories"),
    path(
        "<int:pk>/signed/<str:method>/",
        signing.SignedFileUploadView.as_view(),
        name="signed_file",
    ),
    path("<int:pk>/sign/", signing.SignView.as_view(), name="sign"),
    path(
        "<int:pk>/sign/agreement.pdf",
        signing.SignatoryAgreementPdfView.as_view(),
        name="sign_agreement_pdf",
    ),
]

# The agreement (projects.views.agreements).
urlpatterns += [
    path("<int:pk>/budget/", agreements.GrantBudgetView.as_view(), name="budget"),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/pdf/",
        agreements.GranteeAgreementDownloadView.as_view(),
        name="agreement_pdf",
    ),
]

# The grant's money (projects.views.payments).
urlpatterns += [
    path("<int:pk>/bank-account/", payments.BankAccountView.as_view(), name="bank_account"),
]

# The reports (projects.views.reports).
urlpatterns += [
    path(
        "<int:pk>/reports/<str:kind>/start/", reports.ReportStartView.as_view(), name="report_start"
    ),
    path("<int:pk>/reports/<str:kind>/", reports.ReportView.as_view(), name="report"),
    path(
        "<int:pk>/reports/<str:kind>/photos/",
        reports.ReportPhotoAddView.as_view(),
        name="report_photo_add",
    ),
    path(
        "<int:pk>/reports/<str:kind>/photos/<int:photo_pk>/",
        reports.ReportPhotoGranteeView.as_view(),
        name="report_photo",
    ),
    path(
        "<int:pk>/reports/<str:kind>/photos/<int:photo_pk>/remove/",
        reports.ReportPhotoRemoveView.as_view(),
        name="report_photo_remove",
    ),
]

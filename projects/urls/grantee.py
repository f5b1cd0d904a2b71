"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import (
    agreements,
    amendments,
    grantee,
    payments,
    reports,
    settlements,
    signing,
    spending,
)

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

# The grant's financial documents (projects.views.spending).
urlpatterns += [
    path("<int:pk>/documents/", spending.GranteeDocumentListView.as_view(), name="documents"),
    path("<int:pk>/documents/add/", spending.DocumentFormView.as_view(), name="document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        spending.DocumentFormView.as_view(),
        name="document_edit",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/remove/",
        spending.DocumentRemoveView.as_view(),
        name="document_remove",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/file/",
        spending.GranteeDocumentFileView.as_view(),
        name="document_file",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/preview/",
        spending.GranteeDocumentPreviewView.as_view(),
        name="document_preview",
    ),
]

# Amendments (projects.views.amendments).
urlpatterns += [
    path("<int:pk>/amendments/", amendments.AmendmentListView.as_view(), name="amendments"),
    path(
        "<int:pk>/amendments/new/",
        amendments.AmendmentRequestView.as_view(),
        name="amendment_new",
    ),
    path(
        "<int:pk>/amendments/<int:amendment_pk>/withdraw/",
        amendments.AmendmentWithdrawView.as_view(),
        name="amendment_withdraw",
    ),
    path(
        "<int:pk>/amendments/<int:amendment_pk>/pdf/",
        amendments.GranteeAmendmentPdfView.as_view(),
        name="amendment_pdf",
    ),
]

# The settlement (projects.views.settlements).
urlpatterns += [
    path(
        "<int:pk>/settlements/<int:settlement_pk>/pdf/",
        settlements.GranteeSettlementPdfView.as_view(),
        name="settlement_pdf",
    ),
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

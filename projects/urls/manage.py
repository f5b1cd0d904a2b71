"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import (
    agreements,
    amendments,
    manage,
    payments,
    reports,
    settlements,
    signing,
    spending,
    termination,
)

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
    # Everything about the grant in one ZIP, for the retention.
    path("<int:pk>/archive.zip", manage.GrantArchiveView.as_view(), name="archive"),
]

# The agreement (projects.views.agreements).
urlpatterns += [
    path("calls/<int:pk>/terms/", agreements.CallTermsView.as_view(), name="terms"),
    path(
        "calls/<int:pk>/terms/agreement/<str:language>/",
        agreements.AgreementTextEditView.as_view(),
        name="agreement_text",
    ),
    path(
        "<int:pk>/agreement/preview/",
        agreements.AgreementPreviewView.as_view(),
        name="agreement_preview",
    ),
    path(
        "<int:pk>/agreement/issue/", agreements.AgreementIssueView.as_view(), name="agreement_issue"
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/withdraw/",
        agreements.AgreementWithdrawView.as_view(),
        name="agreement_withdraw",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/pdf/",
        agreements.CoordinatorAgreementDownloadView.as_view(),
        name="agreement_pdf",
    ),
]

# A grant's money (projects.views.payments).
urlpatterns += [
    path("calls/<int:pk>/payments/", payments.CallPaymentsView.as_view(), name="payments"),
    path("calls/<int:pk>/finance/", payments.CallFinanceView.as_view(), name="finance"),
    path(
        "bank-accounts/<int:pk>/answer/",
        payments.BankAccountAnswerView.as_view(),
        name="bank_account_answer",
    ),
    path("payments/<int:pk>/paid/", payments.PaymentMarkPaidView.as_view(), name="payment_paid"),
]

# A grant's financial documents (projects.views.spending).
urlpatterns += [
    path("<int:pk>/documents/", spending.CoordinatorDocumentListView.as_view(), name="documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/file/",
        spending.CoordinatorDocumentFileView.as_view(),
        name="document_file",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/preview/",
        spending.CoordinatorDocumentPreviewView.as_view(),
        name="document_preview",
    ),
]

# Amendments (projects.views.amendments).
urlpatterns += [
    path("calls/<int:pk>/amendments/", amendments.CallAmendmentsView.as_view(), name="amendments"),
    path("amendments/<int:pk>/", amendments.AmendmentAnswerView.as_view(), name="amendment"),
    path(
        "amendments/<int:pk>/pdf/",
        amendments.CoordinatorAmendmentPdfView.as_view(),
        name="amendment_pdf",
    ),
]

# The settlement and closing (projects.views.settlements).
urlpatterns += [
    path(
        "<int:pk>/settlements/<int:settlement_pk>/pdf/",
        settlements.CoordinatorSettlementPdfView.as_view(),
        name="settlement_pdf",
    ),
    path(
        "<int:pk>/settlements/<int:settlement_pk>/returned/",
        settlements.ReturnReceivedView.as_view(),
        name="settlement_returned",
    ),
    path(
        "<int:pk>/settlements/<int:settlement_pk>/withdraw/",
        settlements.SettlementWithdrawView.as_view(),
        name="settlement_withdraw",
    ),
    path("<int:pk>/close/", settlements.GrantCloseView.as_view(), name="close"),
]

# The reports (projects.views.reports).
urlpatterns += [
    path("calls/<int:pk>/reports/", reports.CallReportsView.as_view(), name="reports"),
    path("reports/<int:pk>/", reports.ReportCheckView.as_view(), name="report"),
    path(
        "reports/<int:pk>/photos/<int:photo_pk>/",
        reports.ReportPhotoCoordinatorView.as_view(),
        name="report_photo",
    ),
    path(
        "reports/<int:pk>/documents/<int:document_pk>/",
        reports.ReportDocumentFileView.as_view(),
        name="report_document",
    ),
]

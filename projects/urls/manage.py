"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import agreements, manage, payments, reports, signing, termination

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

"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import agreements, grantee, payments, settlements, signing

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

# The settlement (projects.views.settlements).
urlpatterns += [
    path(
        "<int:pk>/settlements/<int:settlement_pk>/pdf/",
        settlements.GranteeSettlementPdfView.as_view(),
        name="settlement_pdf",
    ),
]

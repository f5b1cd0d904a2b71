"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import grantee, signing

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

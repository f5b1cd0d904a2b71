"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import agreements, manage

app_name = "projects_manage"

urlpatterns = [
    # A call's grants.
    path("calls/<int:pk>/", manage.CallGrantsView.as_view(), name="grants"),
    # One grant, by its own id.
    path("<int:pk>/", manage.GrantDetailView.as_view(), name="grant"),
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

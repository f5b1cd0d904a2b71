"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import agreements, grantee

app_name = "projects"

urlpatterns = [
    path("<int:pk>/", grantee.GrantView.as_view(), name="grant"),
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

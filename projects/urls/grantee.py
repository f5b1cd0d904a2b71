"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import grantee, payments

app_name = "projects"

urlpatterns = [
    path("<int:pk>/", grantee.GrantView.as_view(), name="grant"),
]

# The grant's money (projects.views.payments).
urlpatterns += [
    path("<int:pk>/bank-account/", payments.BankAccountView.as_view(), name="bank_account"),
]

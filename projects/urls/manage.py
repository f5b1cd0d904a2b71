"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import manage, payments

app_name = "projects_manage"

urlpatterns = [
    # A call's grants.
    path("calls/<int:pk>/", manage.CallGrantsView.as_view(), name="grants"),
    # One grant, by its own id.
    path("<int:pk>/", manage.GrantDetailView.as_view(), name="grant"),
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

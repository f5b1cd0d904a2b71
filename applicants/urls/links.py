"""Pages opened from an e-mailed link by people without an account: a guardian answering
for a young person, a patron organisation's representative (mounted at /confirm/)."""

from django.urls import path

from applicants.views import consents

app_name = "links"

urlpatterns = [
    path("guardian/<str:token>/", consents.GuardianConsentView.as_view(), name="guardian"),
    path("patron/<str:token>/", consents.PatronConfirmationView.as_view(), name="patron"),
]

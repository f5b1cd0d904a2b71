"""A call's published results, for everyone (mounted at /results/)."""

from django.urls import path

from decisions.views import applicant

app_name = "decisions_public"

urlpatterns = [
    path("<slug:slug>/", applicant.PublicResultsView.as_view(), name="results"),
]

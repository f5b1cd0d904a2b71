from django.urls import path

from decisions.views import applicant

app_name = "decisions_applicant"

urlpatterns = [
    path(
        "calls/<slug:slug>/results/", applicant.PublicResultsView.as_view(), name="public_results"
    ),
    path("applications/<int:pk>/decision/", applicant.DecisionView.as_view(), name="decision"),
    path(
        "applications/<int:pk>/decision/letter.pdf",
        applicant.LetterDownloadView.as_view(),
        name="letter",
    ),
    path(
        "applications/<int:pk>/decision/answer/", applicant.AwardAnswerView.as_view(), name="answer"
    ),
]

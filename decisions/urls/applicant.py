"""The applicant's pages about the decision on their application: the decision, the letter,
accepting or declining the award (mounted at /decisions/). `<pk>` is the application's, the
number the applicant knows; a decision's own id stays internal."""

from django.urls import path

from decisions.views import applicant

app_name = "decisions_applicant"

urlpatterns = [
    path("<int:pk>/", applicant.DecisionView.as_view(), name="decision"),
    path("<int:pk>/letter.pdf", applicant.LetterDownloadView.as_view(), name="letter"),
    path("<int:pk>/answer/", applicant.AwardAnswerView.as_view(), name="answer"),
]

"""Who runs the programme, for coordinators (mounted at /manage/programme/)."""

from django.urls import path

from grants.views import programme

app_name = "programme"

urlpatterns = [
    path("", programme.ProgrammeProfileEditView.as_view(), name="edit"),
]

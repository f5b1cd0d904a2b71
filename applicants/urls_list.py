from django.urls import path

from applicants.views.manage_list import ApplicationListView

app_name = "application_list"

urlpatterns = [
    path(
        "manage/calls/<int:call_pk>/applications/",
        ApplicationListView.as_view(),
        name="list",
    ),
]

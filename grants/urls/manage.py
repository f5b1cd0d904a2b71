"""The coordinators' pages for designing, publishing and closing calls (mounted at /manage/calls/)."""

from django.urls import path

from grants.views import manage, workshop

app_name = "manage"

urlpatterns = [
    path("", manage.ManageHomeView.as_view(), name="home"),
    path("new/", manage.CallEditView.as_view(), name="call_create"),
    path("<int:pk>/", manage.CallEditView.as_view(), name="call_edit"),
    path("<int:pk>/close/", manage.CallCloseView.as_view(), name="call_close"),
    path("<int:pk>/archive/", manage.CallArchiveView.as_view(), name="call_archive"),
    path("<int:pk>/workshop/", workshop.WorkshopManageView.as_view(), name="call_workshop"),
    path("<int:pk>/parts/<slug:part>/", manage.CallPartsEditView.as_view(), name="call_parts"),
]

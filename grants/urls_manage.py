from django.urls import path

from grants.views import manage

app_name = "manage"

urlpatterns = [
    path("", manage.ManageHomeView.as_view(), name="home"),
    path("calls/new/", manage.CallEditView.as_view(), name="call_create"),
    path("calls/<int:pk>/", manage.CallEditView.as_view(), name="call_edit"),
    path("calls/<int:pk>/close/", manage.CallCloseView.as_view(), name="call_close"),
    path("calls/<int:pk>/archive/", manage.CallArchiveView.as_view(), name="call_archive"),
    path(
        "calls/<int:pk>/parts/<slug:part>/",
        manage.CallPartsEditView.as_view(),
        name="call_parts",
    ),
]

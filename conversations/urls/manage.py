"""The coordinators' inbox of a call and each application's conversation (mounted at
/manage/messages/)."""

from django.urls import path

from conversations.views import manage

app_name = "conversations_manage"

urlpatterns = [
    path("calls/<int:pk>/", manage.InboxView.as_view(), name="inbox"),
    path("applications/<int:pk>/", manage.ManageConversationView.as_view(), name="conversation"),
    path(
        "applications/<int:pk>/files/<int:file_pk>/",
        manage.ManageMessageFileView.as_view(),
        name="file",
    ),
]

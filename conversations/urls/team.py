"""The conversation of an application with the programme, for its team; everyone's choice of
e-mails about messages (mounted at /messages/)."""

from django.urls import path

from conversations.views import team

app_name = "conversations"

urlpatterns = [
    path("settings/", team.NotificationSettingsView.as_view(), name="settings"),
    path("<int:pk>/", team.ConversationView.as_view(), name="conversation"),
    path("<int:pk>/files/<int:file_pk>/", team.MessageFileView.as_view(), name="file"),
]

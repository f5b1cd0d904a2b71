"""The coordinators' editor of a call's decision-letter texts (under /manage/calls/<pk>/letters/)."""

from django.urls import path

from decisions.views import letter_templates

app_name = "letter_templates"

urlpatterns = [
    path(
        "manage/calls/<int:pk>/letters/",
        letter_templates.LetterTemplateListView.as_view(),
        name="list",
    ),
    path(
        "manage/calls/<int:pk>/letters/<slug:kind>/<str:language>/",
        letter_templates.LetterTemplateEditView.as_view(),
        name="edit",
    ),
]

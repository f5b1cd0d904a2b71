from django.urls import path  # noqa: F401 -- filled in by the application-list work

app_name = "application_list"

urlpatterns: list = []

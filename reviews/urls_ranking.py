from django.urls import path  # noqa: F401 -- filled in by the ranking page

app_name = "ranking"

urlpatterns: list = []

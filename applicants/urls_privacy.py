from django.urls import path  # noqa: F401 -- filled in by the my-data work

app_name = "privacy"

urlpatterns: list = []

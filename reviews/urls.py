from django.urls import path  # noqa: F401 -- filled in by the reviewer pages

app_name = "reviews"

urlpatterns: list = []

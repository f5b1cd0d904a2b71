from django.urls import path  # noqa: F401 -- filled in by the coordinator's review pages

app_name = "review_manage"

urlpatterns: list = []

"""The grantee's pages of their funded project (mounted at /projects/)."""

from django.urls import path

from projects.views import grantee

app_name = "projects"

urlpatterns = [
    path("<int:pk>/", grantee.GrantView.as_view(), name="grant"),
]

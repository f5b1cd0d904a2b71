"""The coordinators' pages of funded projects (mounted at /manage/projects/)."""

from django.urls import path

from projects.views import manage, termination

app_name = "projects_manage"

urlpatterns = [
    # A call's grants.
    path("calls/<int:pk>/", manage.CallGrantsView.as_view(), name="grants"),
    # One grant, by its own id.
    path("<int:pk>/", manage.GrantDetailView.as_view(), name="grant"),
    # Terminating a grant, with a reason.
    path("<int:pk>/terminate/", termination.GrantTerminateView.as_view(), name="terminate"),
]

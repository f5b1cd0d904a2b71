"""What everyone may see of finished projects (mounted at /outcomes/): a call's results as
achieved, its open data (360Giving) and the consented photos."""

from django.urls import path

from projects.views import public

app_name = "projects_public"

urlpatterns = [
    path("<slug:slug>/", public.CallOutcomesView.as_view(), name="call"),
    path(
        "<slug:slug>/360giving.csv",
        public.OpenDataView.as_view(),
        {"fmt": "csv"},
        name="open_data_csv",
    ),
    path(
        "<slug:slug>/360giving.json",
        public.OpenDataView.as_view(),
        {"fmt": "json"},
        name="open_data_json",
    ),
    path("photos/<int:pk>/", public.PublicPhotoView.as_view(), name="photo"),
]

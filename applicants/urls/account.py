"""Every signed-in person's own data, whatever their role: see it, export it, delete the
account (mounted at /my-data/)."""

from django.urls import path

from applicants.views import privacy

app_name = "privacy"

urlpatterns = [
    path("", privacy.MyDataView.as_view(), name="overview"),
    path("export/", privacy.MyDataExportView.as_view(), name="export"),
    path("delete/", privacy.AccountDeleteView.as_view(), name="delete"),
]

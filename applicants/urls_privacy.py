from django.urls import path

from applicants.views import privacy

app_name = "privacy"

urlpatterns = [
    path("my-data/", privacy.MyDataView.as_view(), name="overview"),
    path("my-data/export/", privacy.MyDataExportView.as_view(), name="export"),
    path("my-data/delete/", privacy.AccountDeleteView.as_view(), name="delete"),
]

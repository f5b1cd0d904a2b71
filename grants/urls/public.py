"""A call's public page, for everyone (mounted at /calls/)."""

from django.urls import path

from grants.views import public

app_name = "grants"

urlpatterns = [
    path("<slug:slug>/", public.CallDetailView.as_view(), name="call_detail"),
    path(
        "<slug:slug>/documents/<int:document_pk>/",
        public.CallDocumentDownloadView.as_view(),
        name="call_document",
    ),
]

"""A call's public page, for everyone (mounted at /calls/)."""

from django.urls import path

from grants.views import public, workshop

app_name = "grants"

urlpatterns = [
    path("<slug:slug>/", public.CallDetailView.as_view(), name="call_detail"),
    path(
        "<slug:slug>/documents/<int:document_pk>/",
        public.CallDocumentDownloadView.as_view(),
        name="call_document",
    ),
    # The link a coordinator gives the room while workshop mode is on (grants.workshops).
    path("<slug:slug>/workshop/", workshop.WorkshopJoinView.as_view(), name="workshop_join"),
]

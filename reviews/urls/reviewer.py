"""The reviewer's pages: their dashboard, assignments, the application to score, and the
invitation link e-mailed to them (mounted at /reviews/)."""

from django.urls import path

from reviews.views import reviewer

app_name = "reviews"

urlpatterns = [
    path("", reviewer.DashboardView.as_view(), name="dashboard"),
    path("assignments/<int:pk>/", reviewer.AssignmentView.as_view(), name="assignment"),
    path("assignments/<int:pk>/draft/", reviewer.ReviewDraftView.as_view(), name="review_draft"),
    path(
        "assignments/<int:pk>/submit/", reviewer.ReviewConfirmView.as_view(), name="review_confirm"
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        reviewer.AttachmentView.as_view(),
        name="attachment",
    ),
    path(
        "applications/<int:pk>/pdf/",
        reviewer.ApplicationPdfView.as_view(),
        name="application_pdf",
    ),
    path("invitations/<str:token>/", reviewer.InvitationView.as_view(), name="invitation"),
    path(
        "invitations/<int:pk>/join/",
        reviewer.InvitationJoinView.as_view(),
        name="invitation_join",
    ),
]

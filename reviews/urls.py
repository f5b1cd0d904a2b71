from django.urls import path

from reviews.views import reviewer

app_name = "reviews"

urlpatterns = [
    path("reviews/", reviewer.DashboardView.as_view(), name="dashboard"),
    path(
        "reviews/assignments/<int:pk>/",
        reviewer.AssignmentView.as_view(),
        name="assignment",
    ),
    path(
        "reviews/applications/<int:pk>/attachments/<int:attachment_pk>/",
        reviewer.AttachmentView.as_view(),
        name="attachment",
    ),
    path(
        "reviews/applications/<int:pk>/pdf/",
        reviewer.ApplicationPdfView.as_view(),
        name="application_pdf",
    ),
    path(
        "reviews/invitations/<str:token>/",
        reviewer.InvitationView.as_view(),
        name="invitation",
    ),
]

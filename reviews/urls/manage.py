"""The coordinators' pages for reviewing: a call's reviewer pool, assignments and ranking,
and one application's reviews (mounted at /manage/reviews/)."""

from django.urls import path

from reviews.views import manage
from reviews.views.ranking import RankingStatusView, RankingView

app_name = "review_manage"

urlpatterns = [
    path("calls/<int:pk>/reviewers/", manage.PoolView.as_view(), name="pool"),
    path(
        "calls/<int:pk>/reviewers/invitations/<int:invitation_pk>/resend/",
        manage.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path("calls/<int:pk>/assignments/", manage.AssignmentsView.as_view(), name="assignments"),
    path("calls/<int:pk>/ranking/", RankingView.as_view(), name="ranking"),
    path("calls/<int:pk>/ranking/status/", RankingStatusView.as_view(), name="ranking_status"),
    path(
        "applications/<int:pk>/",
        manage.ApplicationReviewsView.as_view(),
        name="application",
    ),
    path(
        "applications/<int:pk>/add/",
        manage.AssignmentAddView.as_view(),
        name="assignment_add",
    ),
    path(
        "applications/<int:pk>/extra/",
        manage.ExtraReviewerAddView.as_view(),
        name="extra_reviewer_add",
    ),
    path(
        "applications/<int:pk>/assignments/<int:assignment_pk>/remove/",
        manage.AssignmentRemoveView.as_view(),
        name="assignment_remove",
    ),
    path(
        "applications/<int:pk>/assignments/<int:assignment_pk>/replace/",
        manage.AssignmentReplaceView.as_view(),
        name="assignment_replace",
    ),
    path(
        "applications/<int:pk>/reviews/<int:review_pk>/reopen/",
        manage.ReviewReopenView.as_view(),
        name="review_reopen",
    ),
]

from django.urls import path

from reviews.views import manage

app_name = "review_manage"

urlpatterns = [
    path("manage/calls/<int:pk>/reviewers/", manage.PoolView.as_view(), name="pool"),
    path(
        "manage/calls/<int:pk>/reviewers/invitations/<int:invitation_pk>/resend/",
        manage.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path(
        "manage/calls/<int:pk>/assignments/", manage.AssignmentsView.as_view(), name="assignments"
    ),
    path(
        "manage/applications/<int:pk>/reviews/",
        manage.ApplicationReviewsView.as_view(),
        name="application",
    ),
    path(
        "manage/applications/<int:pk>/reviews/add/",
        manage.AssignmentAddView.as_view(),
        name="assignment_add",
    ),
    path(
        "manage/applications/<int:pk>/reviews/extra/",
        manage.ExtraReviewerAddView.as_view(),
        name="extra_reviewer_add",
    ),
    path(
        "manage/applications/<int:pk>/reviews/assignments/<int:assignment_pk>/remove/",
        manage.AssignmentRemoveView.as_view(),
        name="assignment_remove",
    ),
    path(
        "manage/applications/<int:pk>/reviews/assignments/<int:assignment_pk>/replace/",
        manage.AssignmentReplaceView.as_view(),
        name="assignment_replace",
    ),
    path(
        "manage/applications/<int:pk>/reviews/<int:review_pk>/reopen/",
        manage.ReviewReopenView.as_view(),
        name="review_reopen",
    ),
]

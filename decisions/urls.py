"""The coordinator's decision pages (/manage/…)."""

from django.urls import path

from decisions.views import corrections, manage

app_name = "decisions"

urlpatterns = [
    path("manage/calls/<int:pk>/decisions/", manage.CallDecisionsView.as_view(), name="call"),
    path(
        "manage/calls/<int:pk>/decisions/award-above-line/",
        manage.AwardAboveLineView.as_view(),
        name="award_above_line",
    ),
    path(
        "manage/applications/<int:pk>/decision/",
        manage.DecisionRecordView.as_view(),
        name="record",
    ),
    path("manage/calls/<int:pk>/decisions/publish/", manage.PublishView.as_view(), name="publish"),
    path(
        "manage/calls/<int:pk>/decisions/progress/",
        manage.ProgressView.as_view(),
        name="progress",
    ),
    path(
        "manage/calls/<int:pk>/decisions/progress/counts/",
        manage.ProgressCountsView.as_view(),
        name="progress_counts",
    ),
    path("manage/decisions/<int:pk>/retry/", manage.LetterRetryView.as_view(), name="retry"),
    path(
        "manage/calls/<int:pk>/decisions/progress/retry-failed/",
        manage.LettersRetryFailedView.as_view(),
        name="retry_failed",
    ),
    path("manage/calls/<int:pk>/outbox/", manage.OutboxView.as_view(), name="outbox"),
    path("manage/outbox/<int:pk>/resend/", manage.OutboxResendView.as_view(), name="resend"),
    path("manage/calls/<int:pk>/letters.zip", manage.LettersZipView.as_view(), name="letters_zip"),
    path("manage/decisions/<int:pk>/", manage.DecisionDetailView.as_view(), name="detail"),
    path(
        "manage/decisions/<int:pk>/correct/",
        manage.LetterCorrectView.as_view(),
        name="letter_correct",
    ),
    path("manage/decisions/<int:pk>/offer/", manage.ReserveOfferView.as_view(), name="offer"),
    path("manage/letters/<int:pk>/pdf/", manage.LetterPdfView.as_view(), name="letter_pdf"),
    path(
        "manage/reviews/<int:pk>/correct/",
        corrections.ReviewCorrectView.as_view(),
        name="review_correct",
    ),
]

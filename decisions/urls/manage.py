"""The coordinators' pages for deciding: a call's decisions, publication and its progress,
the letters' texts, the outbox; one decision, its letters and corrections (mounted at
/manage/decisions/)."""

from django.urls import path

from decisions.views import corrections, letter_templates, manage

app_name = "decisions"

urlpatterns = [
    # A call's decisions, letters and e-mails.
    path("calls/<int:pk>/", manage.CallDecisionsView.as_view(), name="call"),
    path(
        "calls/<int:pk>/award-above-line/",
        manage.AwardAboveLineView.as_view(),
        name="award_above_line",
    ),
    path("calls/<int:pk>/publish/", manage.PublishView.as_view(), name="publish"),
    path("calls/<int:pk>/progress/", manage.ProgressView.as_view(), name="progress"),
    path(
        "calls/<int:pk>/progress/counts/",
        manage.ProgressCountsView.as_view(),
        name="progress_counts",
    ),
    path(
        "calls/<int:pk>/progress/retry-failed/",
        manage.LettersRetryFailedView.as_view(),
        name="retry_failed",
    ),
    path("calls/<int:pk>/outbox/", manage.OutboxView.as_view(), name="outbox"),
    path("calls/<int:pk>/letters.zip", manage.LettersZipView.as_view(), name="letters_zip"),
    path(
        "calls/<int:pk>/letters/",
        letter_templates.LetterTemplateListView.as_view(),
        name="letter_templates",
    ),
    path(
        "calls/<int:pk>/letters/<slug:kind>/<str:language>/",
        letter_templates.LetterTemplateEditView.as_view(),
        name="letter_template_edit",
    ),
    # One application's decision (recorded by the application's id).
    path("applications/<int:pk>/", manage.DecisionRecordView.as_view(), name="record"),
    # One decision, by its own id.
    path("<int:pk>/", manage.DecisionDetailView.as_view(), name="detail"),
    path("<int:pk>/retry/", manage.LetterRetryView.as_view(), name="retry"),
    path("<int:pk>/correct/", manage.LetterCorrectView.as_view(), name="letter_correct"),
    path("<int:pk>/offer/", manage.ReserveOfferView.as_view(), name="offer"),
    # One letter, one e-mail, one review to correct after publication.
    path("letters/<int:pk>/pdf/", manage.LetterPdfView.as_view(), name="letter_pdf"),
    path("outbox/<int:pk>/resend/", manage.OutboxResendView.as_view(), name="resend"),
    path(
        "reviews/<int:pk>/correct/",
        corrections.ReviewCorrectView.as_view(),
        name="review_correct",
    ),
]

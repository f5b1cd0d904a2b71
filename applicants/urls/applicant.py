"""The applicant's pages: starting, filling in, submitting and withdrawing their own
applications, and who applies (mounted at /applications/)."""

from django.urls import path, register_converter

from applicants.urls.converters import FormSectionConverter
from applicants.views import applicant, consents, team

register_converter(FormSectionConverter, "section")

app_name = "applicants"

urlpatterns = [
    path("", applicant.MyApplicationsView.as_view(), name="my_applications"),
    path("new/<slug:slug>/", applicant.ApplyView.as_view(), name="apply"),
    path("profile/", applicant.ProfileView.as_view(), name="profile"),
    path("<int:pk>/", applicant.ApplicationDetailView.as_view(), name="application_detail"),
    path("<int:pk>/attachments/", applicant.AttachmentsView.as_view(), name="attachments"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        applicant.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        applicant.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("join/<str:token>/", team.TeamJoinView.as_view(), name="team_join"),
    path("<int:pk>/people/", team.TeamView.as_view(), name="team"),
    path("<int:pk>/people/leave/", team.TeamLeaveView.as_view(), name="team_leave"),
    path(
        "<int:pk>/people/invitations/<int:invitation_pk>/resend/",
        team.InvitationResendView.as_view(),
        name="team_invitation_resend",
    ),
    path(
        "<int:pk>/people/invitations/<int:invitation_pk>/cancel/",
        team.InvitationCancelView.as_view(),
        name="team_invitation_cancel",
    ),
    path(
        "<int:pk>/people/members/<int:member_pk>/remove/",
        team.MemberRemoveView.as_view(),
        name="team_member_remove",
    ),
    path(
        "<int:pk>/people/members/<int:member_pk>/lead/",
        team.LeadHandOverView.as_view(),
        name="team_hand_over",
    ),
    path("<int:pk>/submit/", applicant.SubmitView.as_view(), name="submit"),
    path("<int:pk>/consents/", consents.TeamConsentsView.as_view(), name="consents"),
    path("<int:pk>/withdraw/", applicant.WithdrawView.as_view(), name="withdraw"),
    path(
        "<int:pk>/versions/<int:number>.pdf",
        applicant.VersionPdfView.as_view(),
        name="version_pdf",
    ),
    path("<int:pk>/<section:section>/", applicant.SectionView.as_view(), name="section"),
    path(
        "<int:pk>/<section:section>/autosave/",
        applicant.SectionAutosaveView.as_view(),
        name="section_autosave",
    ),
]

"""The URL map: each audience has its own prefix, and inside it each app has its own URL
module at a prefix of its own, so no app's pattern can shadow another's whatever the order
(tests/test_urls.py walks the whole tree and checks that every page is reached by exactly
one pattern, and that no prefix below repeats or starts another).

    public           /                       home
                     /privacy/               the privacy notice (grants/views/programme.py)
                     /logo/                  the programme's logo (core/views.py)
                     /calls/                 grants/urls/public.py        grants:
                     /results/               decisions/urls/public.py     decisions_public:
                     /outcomes/              projects/urls/public.py      projects_public:
    applicant        /applications/          applicants/urls/applicant.py applicants:
                     /decisions/             decisions/urls/applicant.py  decisions_applicant:
                     /messages/              conversations/urls/team.py   conversations:
    grantee          /projects/              projects/urls/grantee.py     projects:
    any signed-in    /start/                 core/views.py                start
                     /pdf/<key>/             core/pdf_views.py            rendered_pdf
                     /my-data/               applicants/urls/account.py   privacy:
    reviewer         /reviews/               reviews/urls/reviewer.py     reviews:
    coordinators     /manage/                grants/views/manage.py       manage_root
                     /manage/calls/          grants/urls/manage.py        manage:
                     /manage/applications/   applicants/urls/manage.py    applicants_manage:
                     /manage/messages/       conversations/urls/manage.py conversations_manage:
                     /manage/reviews/        reviews/urls/manage.py       review_manage:
                     /manage/decisions/      decisions/urls/manage.py     decisions:
                     /manage/projects/       projects/urls/manage.py      projects_manage:
                     /manage/programme/      grants/urls/programme.py     programme:

/start/ and /manage/ are single pages (where a person lands after logging in, and the
coordinators' start page), routed here beside the home page.

A new page goes into the module of the app whose view it is, for the audience that uses it
(`<app>/urls/<audience>.py`); a call's or an application's page for coordinators uses the
module's `calls/<pk>/…` or `applications/<pk>/…`. A new app or audience gets a new module and
a new prefix here, never a second include at a prefix already in use.

Addresses that moved keep working through permanent redirects at the end (e-mails, bookmarks,
letters already sent).
"""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from core.pdf_views import RenderedPdfView
from core.views import FaviconRedirect, MovedPermanently, ProgrammeLogoView, StartView
from grants.views.manage import ManageStartView
from grants.views.programme import PrivacyNoticeView
from grants.views.public import HomeView

urlpatterns = [
    # Public
    path("", HomeView.as_view(), name="home"),
    # Where everyone lands after logging in (their most urgent role's start page).
    path("start/", StartView.as_view(), name="start"),
    path("pdf/<str:key>/", RenderedPdfView.as_view(), name="rendered_pdf"),
    path("calls/", include("grants.urls.public")),
    path("results/", include("decisions.urls.public")),
    path("outcomes/", include("projects.urls.public")),
    path("privacy/", PrivacyNoticeView.as_view(), name="privacy_notice"),
    path("logo/", ProgrammeLogoView.as_view(), name="programme_logo"),
    # The applicant
    path("applications/", include("applicants.urls.applicant")),
    path("decisions/", include("decisions.urls.applicant")),
    # The application's team and the coordinators write to each other (also: e-mail choices)
    path("messages/", include("conversations.urls.team")),
    # The grantee (and the people who sign for them)
    path("projects/", include("projects.urls.grantee")),
    # Every signed-in person
    path("my-data/", include("applicants.urls.account")),
    path("confirm/", include("applicants.urls.links")),
    path("accounts/", include("allauth.urls")),
    # The reviewer
    path("reviews/", include("reviews.urls.reviewer")),
    # The coordinators
    # The coordinators' start page: what is waiting for them, and their calls.
    path("manage/", ManageStartView.as_view(), name="manage_root"),
    path("manage/calls/", include("grants.urls.manage")),
    path("manage/applications/", include("applicants.urls.manage")),
    path("manage/messages/", include("conversations.urls.manage")),
    path("manage/reviews/", include("reviews.urls.manage")),
    path("manage/decisions/", include("decisions.urls.manage")),
    path("manage/projects/", include("projects.urls.manage")),
    path("manage/programme/", include("grants.urls.programme")),
    # Technical
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    # Addresses that moved (issue 9).
    path(
        "calls/<slug:slug>/apply/",
        MovedPermanently.as_view(pattern_name="applicants:apply"),
        name="moved_apply",
    ),
    path(
        "calls/<slug:slug>/results/",
        MovedPermanently.as_view(pattern_name="decisions_public:results"),
        name="moved_results",
    ),
    path(
        "profile/",
        MovedPermanently.as_view(pattern_name="applicants:profile"),
        name="moved_profile",
    ),
    path(
        "applications/<int:pk>/decision/",
        MovedPermanently.as_view(pattern_name="decisions_applicant:decision"),
        name="moved_decision",
    ),
    path(
        "applications/<int:pk>/decision/letter.pdf",
        MovedPermanently.as_view(pattern_name="decisions_applicant:letter"),
        name="moved_letter",
    ),
    path(
        "applications/<int:pk>/decision/answer/",
        MovedPermanently.as_view(pattern_name="decisions_applicant:answer"),
        name="moved_answer",
    ),
    path(
        "manage/letters/<int:pk>/pdf/",
        MovedPermanently.as_view(pattern_name="decisions:letter_pdf"),
        name="moved_manage_letter_pdf",
    ),
]

# The error pages, in the site's layout and the visitor's language (core.views; the CSRF
# refusal is settings.CSRF_FAILURE_VIEW).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

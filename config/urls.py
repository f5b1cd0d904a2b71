from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from grants.views.public import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("grants.urls")),
    path("manage/", include("grants.urls_manage")),
    # Before applicants.urls: its applications/<pk>/<section>/ would swallow …/decision/.
    path("", include("decisions.urls_applicant")),
    path("", include("applicants.urls")),
    path("", include("applicants.urls_list")),
    path("", include("applicants.urls_privacy")),
    path("", include("reviews.urls")),
    path("", include("reviews.urls_manage")),
    path("", include("reviews.urls_ranking")),
    path("", include("decisions.urls_letters")),
    path("", include("decisions.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

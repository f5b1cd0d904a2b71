"""Reads of applications that pages need, scoped to who is asking, with what templates touch."""

from collections.abc import Iterable, Mapping

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from applicants.consents_selectors import CONSENT_ONLY_FIELDS, CONSENT_SELECT_RELATED
from applicants.enums import ApplicationStatus
from applicants.filters import ApplicationListFilter
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    StatusChange,
    VersionPdf,
)
from grants.models import GrantCall


def application_list_for_applicant(*, user) -> QuerySet[Application]:
    """The applications the user leads or edits across calls, newest first, with their call
    and the number of their last submitted version (`last_version_number`, None before the
    first); `is_lead` says which they lead (the others they edit)."""
    last_version = (
        ApplicationVersion.objects.filter(application=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        Application.objects.of_team(user)
        .annotate(is_lead=Q(applicant_id=user.pk), last_version_number=Subquery(last_version))
        .select_related("call")
        .order_by("-updated_at", "-pk")
    )


def application_get_for_owner(*, user, pk: int) -> Application:
    """One of the user's own applications; 404 for anyone else's (never a hint it exists)."""
    return get_object_or_404(
        Application.objects.owned_by(user).select_related("call", "applicant"), pk=pk
    )


def application_get_for_team(*, user, pk: int) -> Application:
    """An application the user leads or edits; 404 for anyone else's (never a hint it exists).
    `is_lead` says whether the user leads it. With what its consents panel reads
    (consent_summary(…, selected=True))."""
    application = get_object_or_404(
        Application.objects.of_team(user).select_related(
            "call", "applicant", *CONSENT_SELECT_RELATED
        ),
        pk=pk,
    )
    application.is_lead = application.applicant_id == user.pk
    return application


def application_team_users(application: Application) -> list:
    """Everyone on the application's team, the lead first, then the editors (one query):
    whom a message, a notice or a consent concerns."""
    users = list(
        User.objects.filter(
            Q(pk=application.applicant_id) | Q(team_memberships__application=application)
        ).distinct()
    )
    users.sort(key=lambda user: user.pk != application.applicant_id)
    return users


def live_application(*, call: GrantCall, applicant) -> Application | None:
    """The applicant's application to `call` that is not withdrawn (the database allows one)."""
    return (
        Application.objects.filter(call=call, applicant=applicant)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )


def application_get_for_coordinator(*, pk: int) -> Application:
    """The application with its call, its lead and what its consents panel reads of them
    (consent_summary(…, selected=True))."""
    return get_object_or_404(
        Application.objects.select_related("call", "applicant", *CONSENT_SELECT_RELATED), pk=pk
    )


def application_formal_checks(*, application: Application, versions: list) -> list:
    """The application's formal checks, oldest first, with who made them; each check's version
    is taken from `versions` (all of the application's, already read) rather than joined again."""
    by_id = {version.pk: version for version in versions}
    checks = list(application.formal_checks.select_related("by"))
    for check in checks:
        if check.version_id in by_id:
            check.version = by_id[check.version_id]
    return checks


def application_timeline(application: Application) -> QuerySet[StatusChange]:
    return application.status_changes.select_related("by").order_by("at", "pk")


# The history of edits shows this many entries, newest first (folding keeps them few).
SECTION_HISTORY_LIMIT = 50


def application_section_history(application: Application) -> list:
    """Who changed which section when, newest first (SectionSave rows, with their people)."""
    return list(
        application.section_saves.select_related("by").order_by("-at", "-pk")[
            :SECTION_HISTORY_LIMIT
        ]
    )


def application_versions(application: Application) -> QuerySet[ApplicationVersion]:
    """The submitted versions with their PDF copies (a version's files are in its content)."""
    return application.versions.prefetch_related("pdfs").order_by("number")


def application_version_get(*, application: Application, number: int) -> ApplicationVersion:
    """One submitted version of the application by its number; 404 if there is none."""
    version = application.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def version_pdf_for(*, version: ApplicationVersion, kind: str) -> VersionPdf | None:
    """The stored PDF copy of `version` for `kind` (VersionPdfKind), if it exists yet."""
    return VersionPdf.objects.filter(version=version, kind=kind).first()


def application_attachments(application: Application) -> QuerySet[Attachment]:
    """The working copy's files (removed ones stay only with the versions that list them)."""
    return application.attachments.filter(removed_at__isnull=True).select_related("requirement")


def application_attachment_for(*, application: Application, attachment_pk: int) -> Attachment:
    """A file of this application: a current one or one kept by a submitted version."""
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


def profile_for(user) -> ApplicantProfile | None:
    return ApplicantProfile.objects.filter(user=user).prefetch_related("members").first()


# The coordinator's list of a call's applications: the sort keys of ?sort= and
# the columns they order by. Text columns sort case-insensitively.
APPLICATION_LIST_SORTS = {
    "number": F("number_in_call"),
    "title": Lower("title"),
    "applicant": Lower("applicant_name"),
    "amount": F("requested_amount"),
    "submitted": F("last_submitted_at"),
}
APPLICATION_LIST_DEFAULT_SORT = "number"

# Only what the list page and its CSV/XLSX exports read: the long texts and the
# JSON answers stay in the database, and nothing is loaded row by row.
APPLICATION_LIST_FIELDS = (
    "id",
    "call_id",
    "status",
    "reference_number",
    "number_in_call",
    "title",
    "applicant_name",
    "applicant_kind",
    "requested_amount",
    "total_cost",
    "own_contribution",
    "last_submitted_at",
    # Whom a guardian's consent concerns, and the day their age counts on (consents_selectors).
    "applicant_id",
    "first_submitted_at",
)


def application_list_sort(sort: str | None) -> str:
    """`sort` when it names a known column (optionally with "-" for descending), else the default."""
    if sort and sort.removeprefix("-") in APPLICATION_LIST_SORTS:
        return sort
    return APPLICATION_LIST_DEFAULT_SORT


def application_list_for_call(
    *, call: GrantCall, filters: Mapping | None = None, sort: str | None = None
) -> QuerySet[Application]:
    """The call's applications submitted at least once (no drafts, no withdrawn), filtered and sorted.

    `filters` is the query string (see ApplicationListFilter); invalid values are
    left out. Ties are broken by the number in the call, so pages never overlap.
    """
    queryset = (
        Application.objects.in_call(call)
        .submitted()
        # The consents badge's parts come with the rows (consent_summaries(…, selected=True)).
        .select_related(*CONSENT_SELECT_RELATED)
        .only(*APPLICATION_LIST_FIELDS, *CONSENT_ONLY_FIELDS)
    )
    queryset = ApplicationListFilter(filters, queryset=queryset).qs
    key = application_list_sort(sort)
    column = APPLICATION_LIST_SORTS[key.removeprefix("-")]
    ordering = column.desc() if key.startswith("-") else column.asc()
    return queryset.order_by(ordering, "number_in_call", "pk")


def application_counts_for_call(*, call: GrantCall) -> dict[str, int]:
    """How many of the call's applications are drafts in progress and how many were withdrawn."""
    # Only those two statuses are read, by the (call, status, number) index: not every row.
    return (
        Application.objects.in_call(call)
        .filter(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .aggregate(
            drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
            withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
        )
    )


def application_list_awaiting_formal_check(
    *, call: GrantCall, pks: Iterable[int]
) -> QuerySet[Application]:
    """Those of `pks` that belong to this call and wait for the formal check; others are ignored."""
    return (
        Application.objects.in_call(call)
        .filter(pk__in=list(pks), status=ApplicationStatus.SUBMITTED)
        .only("id", "call_id", "status")
        .order_by("number_in_call", "pk")
    )

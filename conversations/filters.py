"""Filters of a call's inbox, read from the query string."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applicants.enums import ApplicationStatus
from conversations.models import Conversation
from conversations.selectors import inbox_search, inbox_unread_only


class InboxFilter(django_filters.FilterSet):
    """What a coordinator can narrow a call's conversations down by."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        help_text=_("Part of the reference number, the title or the applicant's name."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Application status"),
        field_name="application__status",
        choices=ApplicationStatus.choices,
        empty_label=_("Any status"),
    )
    unread = django_filters.BooleanFilter(
        label=_("Unread only"), method="filter_unread", widget=forms.CheckboxInput
    )
    awaiting = django_filters.BooleanFilter(
        label=_("Awaiting our reply"),
        field_name="awaits_programme",
        widget=forms.CheckboxInput,
        method="filter_awaiting",
    )

    class Meta:
        model = Conversation
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return inbox_search(queryset, value)

    def filter_unread(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # Unread for the coordinator looking: the view passes the request.
        return inbox_unread_only(queryset, user=self.request.user) if value else queryset

    def filter_awaiting(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(awaits_programme=True) if value else queryset

"""Filters of the coordinators' list of a call's grants, read from the query string."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applicants.enums import ApplicantKind
from projects.enums import GrantState
from projects.models import Grant
from projects.progress import WaitingWhom


class GrantListFilterForm(forms.Form):
    """The filter form laid out compactly; the page supplies the <form method="get"> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-12 col-lg-4"),
                Column("state", css_class="col-sm-6 col-md-4 col-lg-3"),
                Column("grantee_kind", css_class="col-sm-6 col-md-4 col-lg-2"),
                Column("waiting", css_class="col-sm-6 col-md-4 col-lg-3"),
            ),
        )


class GrantListFilter(django_filters.FilterSet):
    """What a coordinator can narrow a call's grants down by.

    The queryset must be annotated by projects.selectors.grants_with_progress()
    (the "waiting for" filter reads `waiting_whom`). Invalid values are shown as
    form errors and that one filter is left out.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        help_text=_("Reference number, project title or grantee."),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=GrantState.choices, empty_label=_("Any state")
    )
    grantee_kind = django_filters.ChoiceFilter(
        label=_("Grantee type"), choices=ApplicantKind.choices, empty_label=_("Any type")
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting for"),
        field_name="waiting_whom",
        choices=WaitingWhom.choices,
        empty_label=_("Anyone"),
    )

    class Meta:
        model = Grant
        fields: list[str] = []
        form = GrantListFilterForm

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.matching(value)

"""Filters of the coordinator's application list, read from the query string."""

import django_filters
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applicants.enums import SUBMITTED_STATUSES, ApplicantKind, ApplicationStatus
from applicants.models import Application
from core.forms import AmountField


class AmountFilter(django_filters.NumberFilter):
    """An amount typed the Polish way (185,50 or 1 234,56), as in every amount field."""

    field_class = AmountField


# In the order of the pipeline, not the set's arbitrary order.
LISTED_STATUS_CHOICES = [
    (status.value, status.label) for status in ApplicationStatus if status in SUBMITTED_STATUSES
]


class ApplicationListFilterForm(forms.Form):
    """The filter form laid out compactly; the page supplies the <form method="get"> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-12 col-lg-4"),
                Column("applicant_kind", css_class="col-md-4 col-lg-3"),
                Column("amount_min", css_class="col-6 col-md-4 col-lg-2 col-xl-2"),
                Column("amount_max", css_class="col-6 col-md-4 col-lg-3 col-xl-2"),
            ),
            InlineCheckboxes("status"),
        )


class ApplicationListFilter(django_filters.FilterSet):
    """What a coordinator can narrow a call's list of applications down by.

    Invalid values (a status that isn't listed, "abc" as an amount) are shown as
    form errors and that one filter is left out; the others still apply.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        help_text=_(
            "Part of the title, the reference number, the applicant's name or the contact "
            "person's name. Capitals and Polish letters don't matter."
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=LISTED_STATUS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    applicant_kind = django_filters.ChoiceFilter(
        label=_("Applicant type"),
        choices=ApplicantKind.choices,
        empty_label=_("Any type"),
    )
    amount_min = AmountFilter(
        label=_("Requested amount from (zł)"),
        field_name="requested_amount",
        lookup_expr="gte",
        min_value=0,
    )
    amount_max = AmountFilter(
        label=_("Requested amount up to (zł)"),
        field_name="requested_amount",
        lookup_expr="lte",
        min_value=0,
    )

    class Meta:
        model = Application
        fields: list[str] = []
        form = ApplicationListFilterForm

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.matching(value)


# The filter form's HTML by (language, the values typed in its fields): laid out by crispy it
# costs a sixth of the list page, and it depends on nothing else (its choices are fixed in
# code, it has no CSRF token). Bounded: the oldest entry goes when it is full.
_FORM_HTML: dict[tuple, SafeString] = {}
FORM_HTML_KEPT = 256


def application_list_filter_form_html(form: ApplicationListFilterForm) -> SafeString:
    """The filter form as {% crispy form %} writes it, rendered once per language and values."""
    data = form.data
    values = tuple(
        (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else (data.get(name),))
        for name in form.fields
    )
    key = (get_language(), form.is_bound, values)
    html = _FORM_HTML.get(key)
    if html is None:
        html = render_crispy_form(form)
        if len(_FORM_HTML) >= FORM_HTML_KEPT:
            _FORM_HTML.pop(next(iter(_FORM_HTML)), None)
        _FORM_HTML[key] = html
    return html

"""A grant's settlement: its PDF for the grantee and the coordinators; the coordinators mark
the return received, withdraw it to correct it, and close the grant."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from grants.views.manage import CoordinatorRequiredMixin
from projects.models import Grant, Settlement
from projects.settlement_forms import ReturnReceivedForm, SettlementWithdrawForm
from projects.settlement_pdf import settlement_file_name
from projects.settlements import (
    SettlementRefused,
    grant_close,
    settlement_return_received,
    settlement_withdraw,
)
from projects.views.grantee import OwnGrantMixin


def _pdf_response(settlement: Settlement) -> FileResponse:
    if not settlement.pdf:
        raise Http404("The settlement's PDF is being prepared.")
    response = FileResponse(
        settlement.pdf.open("rb"),
        as_attachment=True,
        filename=settlement_file_name(settlement),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _back(grant_pk: int) -> str:
    return reverse("projects_manage:grant", kwargs={"pk": grant_pk}) + "#settlement"


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class GranteeSettlementPdfView(OwnGrantMixin, View):
    def get(self, request, pk, settlement_pk):
        return _pdf_response(get_object_or_404(Settlement, pk=settlement_pk, grant=self.grant))


class CoordinatorSettlementPdfView(CoordinatorRequiredMixin, View):
    def get(self, request, pk, settlement_pk):
        return _pdf_response(get_object_or_404(Settlement, pk=settlement_pk, grant_id=pk))


class ReturnReceivedView(CoordinatorRequiredMixin, View):
    """POST: the grantee's return arrived (date, bank reference)."""

    def post(self, request, pk, settlement_pk):
        settlement = get_object_or_404(Settlement, pk=settlement_pk, grant_id=pk)
        form = ReturnReceivedForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(_back(pk))
        try:
            settlement_return_received(
                settlement=settlement,
                by=request.user,
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
            )
        except SettlementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("The return is marked received; the grantee is told by e-mail.")
            )
        return redirect(_back(pk))


class SettlementWithdrawView(CoordinatorRequiredMixin, View):
    """POST: withdraw the settlement (a reason) and issue its next version from the figures."""

    def post(self, request, pk, settlement_pk):
        settlement = get_object_or_404(Settlement, pk=settlement_pk, grant_id=pk)
        form = SettlementWithdrawForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(_back(pk))
        try:
            corrected = settlement_withdraw(
                settlement=settlement, by=request.user, reason=form.cleaned_data["reason"]
            )
        except SettlementRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(old)s is withdrawn; %(new)s is issued and the grantee is told.")
                % {"old": settlement.number, "new": corrected.number},
            )
        return redirect(_back(pk))


class GrantCloseView(CoordinatorRequiredMixin, View):
    """POST: close a settled grant whose money is all paid or returned."""

    def post(self, request, pk):
        grant = get_object_or_404(Grant, pk=pk)
        try:
            grant_close(grant=grant, by=request.user)
        except SettlementRefused as refusal:
            messages.error(
                request,
                _("The grant can't be closed yet: %(why)s") % {"why": refusal.message},
            )
        else:
            messages.success(request, _("The grant is closed; the grantee is told by e-mail."))
        return redirect(_back(pk))

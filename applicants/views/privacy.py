"""'My data': what we keep about the signed-in person, its download, and deleting the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from applicants.consents_selectors import consents_about
from applicants.forms_privacy import AccountDeleteForm
from applicants.privacy import (
    AccountDeletionFailed,
    AccountDeletionRefused,
    account_delete,
    account_deletion_preview,
    can_delete_own_account,
    personal_data_export,
    personal_data_summary,
)
from applicants.privacy_team import team_memberships_of


class MyDataView(LoginRequiredMixin, TemplateView):
    template_name = "applicants/my_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summary=personal_data_summary(user=self.request.user),
            memberships=team_memberships_of(self.request.user),
            can_delete=can_delete_own_account(self.request.user),
            guardian_consents=consents_about(user=self.request.user),
            **kwargs,
        )


class MyDataExportView(LoginRequiredMixin, View):
    """The ZIP download; only a POST (with CSRF) makes it, so a link elsewhere can't start it."""

    def get(self, request, *args, **kwargs):
        # Where "next" lands after logging in: the page with the download button.
        return redirect("privacy:overview")

    def post(self, request, *args, **kwargs):
        archive = personal_data_export(user=request.user)
        filename = f"mikrogranty-moje-dane-{timezone.localdate():%Y-%m-%d}.zip"
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    template_name = "applicants/my_data_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_delete=can_delete_own_account(self.request.user),
            preview=account_deletion_preview(user=self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not can_delete_own_account(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            account_delete(user=self.request.user)
        except AccountDeletionRefused:
            messages.error(
                self.request,
                _(
                    "Your account could not be deleted because the programme's records still refer to it. "
                    "Please write to the programme coordinator."
                ),
            )
            return redirect("privacy:overview")
        except AccountDeletionFailed:
            messages.error(
                self.request,
                _(
                    "Your account could not be deleted just now, and nothing was deleted. "
                    "Please try again in a while; if it keeps failing, write to the programme coordinator."
                ),
            )
            return redirect("privacy:delete")
        logout(self.request)
        messages.success(self.request, _("Your account has been deleted."))
        return redirect("home")

"""Workshop mode: the coordinators' page to open and end it, and the link the room follows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.forms_workshop import WorkshopOpenForm
from grants.selectors import call_get_for_coordinator, call_get_public
from grants.views.manage import CoordinatorRequiredMixin
from grants.workshops import (
    WORKSHOP_SESSION_KEY,
    workshop_end,
    workshop_history,
    workshop_open,
    workshop_running_for_call,
)


class WorkshopManageView(CoordinatorRequiredMixin, TemplateView):
    """/manage/calls/<pk>/workshop/: whether workshop mode is on, its link, open or end it."""

    template_name = "grants/manage/workshop.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.call = call_get_for_coordinator(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        workshop = workshop_running_for_call(call=self.call)
        link = self.request.build_absolute_uri(
            reverse("grants:workshop_join", kwargs={"slug": self.call.slug})
        )
        return super().get_context_data(
            call=self.call,
            workshop=workshop,
            workshop_link=link,
            history=workshop_history(call=self.call),
            page_title=_("Workshop mode"),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=WorkshopOpenForm()))

    def post(self, request, *args, **kwargs):
        form = WorkshopOpenForm(request.POST)
        try:
            if "end" in request.POST:
                workshop = workshop_running_for_call(call=self.call)
                if workshop is None:
                    raise ValidationError(_("This workshop has already ended."))
                workshop_end(workshop=workshop, by=request.user)
                messages.success(request, _("Workshop mode is off."))
            elif form.is_valid():
                workshop_open(call=self.call, by=request.user, hours=form.cleaned_data["hours"])
                messages.success(request, _("Workshop mode is on. Give the room the link below."))
            else:
                return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("manage:call_workshop", pk=self.call.pk)


class WorkshopJoinView(View):
    """/calls/<slug>/workshop/: marks this browser as the workshop's, then on to signing up."""

    def get(self, request, slug):
        call = call_get_public(slug=slug)
        call_url = reverse("grants:call_detail", kwargs={"slug": call.slug})
        workshop = workshop_running_for_call(call=call)
        if workshop is None:
            messages.info(
                request, _("Workshop mode is not on for this call now. You can sign up as usual.")
            )
            return redirect(call_url)
        request.session[WORKSHOP_SESSION_KEY] = workshop.pk
        if request.user.is_authenticated:
            return redirect(call_url)
        return redirect(f"{reverse('account_signup')}?{urlencode({'next': call_url})}")

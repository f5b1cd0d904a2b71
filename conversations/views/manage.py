"""The coordinators' side: a call's inbox and each application's conversation."""

from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.selectors import application_get_for_coordinator
from applicants.views.applicant import attachment_response
from conversations.filters import InboxFilter
from conversations.selectors import (
    UNREAD_TOTAL_CAP,
    inbox_for_call,
    inbox_page_details,
    inbox_unread_total,
    message_file_for,
)
from conversations.views.team import ConversationPageMixin
from core.pagination import list_page
from grants.selectors import call_get_for_coordinator

CONVERSATIONS_PER_PAGE = 25


class CoordinatorMixin(PermissionRequiredMixin):
    permission_required = "conversations.manage_messages"


class InboxView(CoordinatorMixin, TemplateView):
    """A call's conversations, the latest first, with unread counts and filters."""

    template_name = "conversations/manage/inbox.html"

    def get_context_data(self, **kwargs):
        call = call_get_for_coordinator(pk=self.kwargs["pk"])
        user = self.request.user
        filters = InboxFilter(
            self.request.GET, queryset=inbox_for_call(call=call), request=self.request
        )
        listed = list_page(
            filters.qs, page_number=self.request.GET.get("page"), per_page=CONVERSATIONS_PER_PAGE
        )
        # Unread counts and last messages for the page's conversations only.
        page = listed["page_obj"]
        page.object_list = inbox_page_details(page.object_list, user=user)
        return super().get_context_data(
            call=call,
            filters=filters,
            **listed,
            unread_total=inbox_unread_total(call=call, user=user),
            unread_total_cap=UNREAD_TOTAL_CAP,
            **kwargs,
        )


class ManageConversationView(CoordinatorMixin, ConversationPageMixin, TemplateView):
    """An application's conversation, answered in the programme's name."""

    as_programme = True

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.application = application_get_for_coordinator(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page_url(self) -> str:
        return reverse("conversations_manage:conversation", kwargs={"pk": self.application.pk})

    def file_url_name(self) -> str:
        return "conversations_manage:file"


class ManageMessageFileView(CoordinatorMixin, View):
    def get(self, request, *args, **kwargs):
        application = application_get_for_coordinator(pk=kwargs["pk"])
        return attachment_response(
            message_file_for(application=application, file_pk=kwargs["file_pk"])
        )

"""The team's side: the conversation of their application, its files, and their e-mail choice."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.views.applicant import attachment_response
from conversations.forms import MessageForm, NotificationPreferenceForm
from conversations.selectors import (
    application_for_team_member,
    conversation_messages,
    last_read_message_id,
    message_file_for,
    message_notice_choice,
)
from conversations.services import conversation_mark_read, message_notice_choose, message_send


class ConversationPageMixin:
    """The conversation of `self.application` for `as_programme`'s side, read and answered."""

    as_programme = False
    template_name = "conversations/conversation.html"

    def page_url(self) -> str:
        raise NotImplementedError

    def file_url_name(self) -> str:
        raise NotImplementedError

    def form(self, data=None, files=None) -> MessageForm:
        return MessageForm(data, files, max_mb=self.application.call.max_attachment_mb)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.form())

    def render_page(self, form):
        application = self.application
        thread = conversation_messages(application)
        read_up_to = last_read_message_id(user=self.request.user, application=application)
        user = self.request.user
        first_new = next(
            (
                m.pk
                for m in thread
                if m.pk > read_up_to
                and (not m.from_programme if self.as_programme else m.author_id != user.pk)
            ),
            None,
        )
        if thread and thread[-1].pk > read_up_to:
            conversation_mark_read(
                conversation=thread[-1].conversation, user=self.request.user, up_to=thread[-1].pk
            )
        context = self.get_context_data(
            application=application,
            thread=thread,
            first_new=first_new,
            form=form,
            as_programme=self.as_programme,
            file_url_name=self.file_url_name(),
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = message_send(
                    application=self.application,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    from_programme=self.as_programme,
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect(f"{self.page_url()}#message-{message.pk}")
        return self.render_page(form)


class ConversationView(LoginRequiredMixin, ConversationPageMixin, TemplateView):
    """The application's conversation with the programme, for its team (lead and editors)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = application_for_team_member(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page_url(self) -> str:
        return reverse("conversations:conversation", kwargs={"pk": self.application.pk})

    def file_url_name(self) -> str:
        return "conversations:file"


class MessageFileView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        application = application_for_team_member(user=request.user, pk=kwargs["pk"])
        return attachment_response(
            message_file_for(application=application, file_pk=kwargs["file_pk"])
        )


class NotificationSettingsView(LoginRequiredMixin, TemplateView):
    """How the person wants to hear of new messages; which e-mails come whatever they choose."""

    template_name = "conversations/notification_settings.html"

    def get(self, request, *args, **kwargs):
        form = NotificationPreferenceForm(initial={"messages": message_notice_choice(request.user)})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = NotificationPreferenceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        message_notice_choose(user=request.user, choice=form.cleaned_data["messages"])
        messages.success(request, _("Your choice has been saved."))
        return redirect("conversations:settings")

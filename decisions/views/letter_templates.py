"""Coordinators edit the wording of a call's decision letters and preview them as PDFs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.pdf_views import rendered_pdf_redirect
from decisions.enums import LetterKind
from decisions.forms_letters import LetterTemplateForm
from decisions.letter_templates import (
    letter_preview_request,
    letter_template_get,
    letter_template_list,
    letter_template_reset,
    letter_template_save,
)
from decisions.letters import (
    PLACEHOLDERS,
    default_letter_body,
    unknown_placeholders,
)
from grants.models import GrantCall

# No permission object: the check runs in dispatch(), before the call is looked up,
# so a non-coordinator learns nothing about which calls exist (403 for all).
from grants.views.manage import CoordinatorRequiredMixin


class LetterTemplateListView(CoordinatorRequiredMixin, TemplateView):
    template_name = "decisions/manage/letter_templates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = get_object_or_404(GrantCall, pk=self.kwargs["pk"])
        context.update(call=call, letters=letter_template_list(call=call))
        return context


class LetterTemplateEditView(CoordinatorRequiredMixin, TemplateView):
    """One kind of letter in one language: save the text, preview it as a PDF, or go back to the default."""

    template_name = "decisions/manage/letter_template_form.html"

    def setup_letter(self) -> None:
        self.call = get_object_or_404(GrantCall, pk=self.kwargs["pk"])
        self.kind = self.kwargs["kind"]
        self.language = self.kwargs["language"]
        if self.kind not in LetterKind.values or self.language not in dict(settings.LANGUAGES):
            raise Http404
        self.template = letter_template_get(call=self.call, kind=self.kind, language=self.language)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            call=self.call,
            kind=self.kind,
            kind_label=LetterKind(self.kind).label,
            language=self.language,
            language_name=dict(settings.LANGUAGES)[self.language],
            template=self.template,
            placeholders=[
                (f"{{{{ {name} }}}}", description) for name, description in PLACEHOLDERS.items()
            ],
        )
        return context

    def get(self, request, *args, **kwargs):
        self.setup_letter()
        body = (
            self.template.body if self.template else default_letter_body(self.kind, self.language)
        )
        form = LetterTemplateForm(initial={"body": body})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_letter()
        action = request.POST.get("action")
        if action == "reset":
            if letter_template_reset(call=self.call, kind=self.kind, language=self.language):
                messages.success(request, _("The letter uses the default text again."))
            return redirect(
                "decisions:letter_template_edit", self.call.pk, self.kind, self.language
            )
        if action not in ("save", "preview"):
            return HttpResponseBadRequest()
        form = LetterTemplateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        body = form.cleaned_data["body"]
        try:
            if action == "preview":
                # Rendered by a task worker, bounded like a saved text; this page only asks.
                preview = letter_preview_request(
                    call=self.call,
                    kind=self.kind,
                    language=self.language,
                    body=body,
                    by=request.user,
                )
            else:
                letter_template_save(
                    call=self.call,
                    kind=self.kind,
                    language=self.language,
                    body=body,
                    by=request.user,
                )
        except ValidationError as error:
            # Beside the field, with the text as typed; the stored text is unchanged.
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form))
        if action == "preview":
            return rendered_pdf_redirect(request, preview, back_url=request.path)
        messages.success(request, _("The text of the letter is saved."))
        if unknown := unknown_placeholders(body):
            messages.warning(
                request,
                _("These are not placeholders and will be printed as typed: %(names)s")
                % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)},
            )
        return redirect("decisions:letter_template_edit", self.call.pk, self.kind, self.language)

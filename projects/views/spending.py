"""A grant's financial documents: the grantee adds, changes and removes them while the grant is
under way; the grantee and coordinators list them and download their files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from grants.views.manage import CoordinatorRequiredMixin
from projects.selectors import (
    grant_documents_get_for_coordinator,
    grant_documents_get_for_team,
    grant_get_for_coordinator,
)
from projects.spending import (
    DocumentsLocked,
    document_add,
    document_change,
    document_file_check,
    document_remove,
    pending_upload_keep,
    pending_upload_take,
)
from projects.spending_documents import (
    DOCUMENTS_PER_PAGE,
    document_of_grant,
    documents_editable,
    documents_of_grant,
    documents_page_figures,
)
from projects.spending_figures import grant_spending
from projects.spending_forms import FinancialDocumentForm
from projects.views.grantee import OwnGrantMixin


def _file_response(field, *, filename: str, content_type: str, inline: bool) -> FileResponse:
    if not field:
        raise Http404
    response = FileResponse(
        field.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


class DocumentFileMixin:
    """GET: the document's file (`which` = "file") or its display copy ("preview")."""

    which = "file"

    def get(self, request, *args, **kwargs):
        document = document_of_grant(grant=self.grant, pk=kwargs["document_pk"], removed=True)
        if self.which == "preview":
            name = document.original_name.rsplit(".", 1)[0] + ".jpg"
            return _file_response(
                document.preview, filename=name, content_type="image/jpeg", inline=True
            )
        return _file_response(
            document.file,
            filename=document.original_name,
            content_type=document.content_type,
            inline=False,
        )


class DocumentListMixin:
    """The grant's documents, newest first, a page at a time, with plan vs spent."""

    def get_context_data(self, **kwargs):
        panel = documents_page_figures(grant=self.grant)
        paginator = Paginator(documents_of_grant(self.grant), DOCUMENTS_PER_PAGE)
        # The figures counted the same documents (kept ones of this grant): no second count.
        paginator.count = panel.figures.documents_count
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            grant=self.grant,
            page_obj=page,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            documents=page.object_list,
            panel=panel,
            **kwargs,
        )


# --- The grantee ----------------------------------------------------------------------------


class GranteeDocumentListView(OwnGrantMixin, DocumentListMixin, TemplateView):
    template_name = "projects/grantee/documents.html"
    viewer = "grantee"
    grant_get = staticmethod(grant_documents_get_for_team)

    def get_context_data(self, **kwargs):
        return super().get_context_data(viewer=self.viewer, **kwargs)


class GranteeDocumentFileView(OwnGrantMixin, DocumentFileMixin, TemplateView):
    which = "file"


class GranteeDocumentPreviewView(OwnGrantMixin, DocumentFileMixin, TemplateView):
    which = "preview"


class DocumentFormView(OwnGrantMixin, TemplateView):
    """Add a document (no `document_pk`) or change one; refused once documents are locked."""

    template_name = "projects/grantee/document_form.html"

    def _locked(self):
        messages.error(
            self.request,
            _(
                "Documents can't be added or changed now: the grant isn't under way, or its "
                "final report is submitted."
            ),
        )
        return redirect(self.grant.get_absolute_url() + "#spending")

    def _document(self):
        pk = self.kwargs.get("document_pk")
        return document_of_grant(grant=self.grant, pk=pk) if pk else None

    def _form(self, data=None, files=None):
        return FinancialDocumentForm(
            data,
            files,
            figures=grant_spending(self.grant, lines=self.grant.budget_lines.all()),
            kept=lambda token: pending_upload_take(
                grant=self.grant, user=self.request.user, token=token
            ),
            document=self.document,
        )

    def get(self, request, *args, **kwargs):
        self.document = self._document()
        if not documents_editable(self.grant):
            return self._locked()
        return self.render_to_response(self.get_context_data(form=self._form()))

    def get_context_data(self, **kwargs):
        return super().get_context_data(grant=self.grant, document=self.document, **kwargs)

    def post(self, request, *args, **kwargs):
        self.document = self._document()
        if not documents_editable(self.grant):
            return self._locked()
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            try:
                if self.document is None:
                    document_add(
                        grant=self.grant,
                        by=request.user,
                        upload=form.cleaned_data["file"],
                        values=form.values(),
                        parts=form.cleaned_data["parts"],
                    )
                else:
                    document_change(
                        document=self.document,
                        by=request.user,
                        upload=form.cleaned_data["file"],
                        values=form.values(),
                        parts=form.cleaned_data["parts"],
                    )
            except DocumentsLocked:
                return self._locked()
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("The document is saved.")
                    if self.document is None
                    else _("The document is changed."),
                )
                return redirect(self.grant.get_absolute_url() + "#spending")
        kept_token = form.kept_token
        upload = form.new_upload_to_keep()
        if upload is not None:
            # Checked already by the form; kept so that the grantee needn't pick it again.
            kept_token = pending_upload_keep(
                grant=self.grant,
                user=request.user,
                upload=upload,
                checked=document_file_check(upload),
            )
            form.kept_name = upload.name
        return self.render_to_response(
            self.get_context_data(form=form, kept_token=kept_token, kept_name=form.kept_name),
            status=400,
        )


class DocumentRemoveView(OwnGrantMixin, TemplateView):
    """GET: what removing the document means; POST: remove it (it stops counting)."""

    template_name = "projects/grantee/document_remove.html"

    def get_context_data(self, **kwargs):
        document = document_of_grant(grant=self.grant, pk=self.kwargs["document_pk"])
        return super().get_context_data(grant=self.grant, document=document, **kwargs)

    def post(self, request, *args, **kwargs):
        document = document_of_grant(grant=self.grant, pk=kwargs["document_pk"])
        try:
            document_remove(document=document, by=request.user)
        except DocumentsLocked:
            messages.error(request, _("Documents can't be removed now."))
        else:
            messages.success(
                request,
                _("Document %(number)s is removed: it no longer counts.")
                % {"number": document.number},
            )
        return redirect(reverse("projects:grant", args=[self.grant.pk]) + "#spending")


# --- Coordinators ---------------------------------------------------------------------------


class CoordinatorGrantMixin(CoordinatorRequiredMixin):
    grant_get = staticmethod(grant_get_for_coordinator)

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.grant = self.grant_get(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class CoordinatorDocumentListView(CoordinatorGrantMixin, DocumentListMixin, TemplateView):
    template_name = "projects/manage/documents.html"
    grant_get = staticmethod(grant_documents_get_for_coordinator)

    def get_context_data(self, **kwargs):
        return super().get_context_data(viewer="coordinator", **kwargs)


class CoordinatorDocumentFileView(CoordinatorGrantMixin, DocumentFileMixin, TemplateView):
    which = "file"


class CoordinatorDocumentPreviewView(CoordinatorGrantMixin, DocumentFileMixin, TemplateView):
    which = "preview"

"""Signing the agreement: the grantee names who signs and uploads signed files; each signatory
signs in the system; the coordinator confirms scans and countersigns."""

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.views.manage import CoordinatorRequiredMixin
from projects.enums import BankAccountState, SigningMethod
from projects.models import Agreement, Grant, SignedDocument
from projects.selectors import call_terms, grant_get_for_coordinator
from projects.signatories import SignatoriesLocked, signatories_replace, signing_plan
from projects.signing import (
    SigningRefused,
    agreement_countersign,
    scan_accept,
    scan_refuse,
    signatory_for_user,
    signature_in_system,
    signed_document_upload,
)
from projects.signing_forms import (
    GroupMembersForm,
    GuardianForm,
    PasswordSignForm,
    PatronRepresentativeForm,
    RepresentativeFormSet,
    ScanRefuseForm,
    SignedFileForm,
)
from projects.signing_status import agreement_to_sign, signing_methods
from projects.views.grantee import OwnGrantMixin


def _file_response(field, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _client_ip(request) -> str | None:
    """The signer's address as the login limits read it: behind DJANGO_TRUSTED_PROXY_COUNT
    proxies, the client's from X-Forwarded-For, not the proxy's (allauth's adapter)."""
    try:
        return get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


# --- The grantee ---------------------------------------------------------------------------


class SignatoriesView(OwnGrantMixin, TemplateView):
    """Who signs the agreement for the grantee: entered while the agreement is prepared."""

    template_name = "projects/grantee/signatories.html"

    def forms(self, data=None) -> dict:
        plan = signing_plan(grant=self.grant, terms=self.terms)
        action = (data or {}).get("action")

        def bound(name):
            return data if action == name else None

        forms = {"plan": plan}
        if plan.is_individual and plan.applicant_is_minor:
            forms["guardian_form"] = GuardianForm(bound("guardian"), prefix="guardian")
        elif plan.is_ngo:
            forms["representatives"] = RepresentativeFormSet(bound("representatives"), prefix="rep")
        elif plan.is_group:
            forms["patron_form"] = PatronRepresentativeForm(
                bound("patron"),
                prefix="patron",
                initial={"organisation_name": plan.patron_organisation},
            )
            if plan.members_may_sign and len(plan.adult_members) >= 3:
                forms["members_form"] = GroupMembersForm(
                    bound("members"), prefix="members", members=plan.adult_members
                )
        return forms

    def get_context_data(self, **kwargs):
        self.terms = call_terms(self.grant.call)
        context = {"grant": self.grant, "terms": self.terms, **self.forms()}
        context.update(kwargs)
        return super().get_context_data(**context)

    def post(self, request, *args, **kwargs):
        self.terms = call_terms(self.grant.call)
        forms = self.forms(request.POST)
        action = request.POST.get("action")
        people, group_signing, form = None, "", None
        if action == "self":
            people = []
        elif action == "guardian" and "guardian_form" in forms:
            form = forms["guardian_form"]
            if form.is_valid():
                people = [form.cleaned_data]
        elif action == "representatives" and "representatives" in forms:
            form = forms["representatives"]
            if form.is_valid():
                people = form.people()
        elif action == "patron" and "patron_form" in forms:
            form, group_signing = forms["patron_form"], "patron"
            if form.is_valid():
                people = [form.cleaned_data]
        elif action == "members" and "members_form" in forms:
            form, group_signing = forms["members_form"], "members"
            if form.is_valid():
                people = form.people()
        if people is not None:
            try:
                signatories_replace(
                    grant=self.grant,
                    terms=self.terms,
                    people=people,
                    group_signing=group_signing,
                    by=request.user,
                )
            except SignatoriesLocked:
                messages.error(request, _("The agreement is sent: who signs can't change now."))
                return redirect(self.grant.get_absolute_url())
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved: these people sign the agreement."))
                return redirect(self.grant.get_absolute_url())
        return self.render_to_response(self.get_context_data(**forms), status=400)


class SignedFileUploadView(OwnGrantMixin, TemplateView):
    """The grantee uploads the signed agreement: a scan, or an electronically signed PDF."""

    template_name = "projects/grantee/signed_file.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["method"] not in (SigningMethod.SCAN, SigningMethod.ELECTRONIC):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", SignedFileForm())
        # TemplateView.get passes the URL's kwargs: its "method" is a plain string, replaced here.
        kwargs.pop("method", None)
        return super().get_context_data(
            grant=self.grant,
            method=SigningMethod(self.kwargs["method"]),
            agreement=agreement_to_sign(self.grant),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = SignedFileForm(request.POST, request.FILES)
        agreement = agreement_to_sign(self.grant)
        if agreement is None:
            raise Http404
        if form.is_valid():
            try:
                signed_document_upload(
                    agreement=agreement,
                    method=kwargs["method"],
                    upload=form.cleaned_data["file"],
                    terms=call_terms(self.grant.call),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            except SigningRefused as refused:
                form.add_error("file", refused.message)
            else:
                if kwargs["method"] == SigningMethod.SCAN:
                    messages.success(request, _("Thank you: the coordinator will check the scan."))
                else:
                    messages.success(
                        request, _("The electronic signatures are valid and on our agreement.")
                    )
                return redirect(self.grant.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- A signatory ---------------------------------------------------------------------------


class SignatoryMixin(LoginRequiredMixin):
    """A person named to sign the grant's agreement (by their account or its e-mail address);
    404 for anyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.grant = get_object_or_404(
            Grant.objects.select_related("call", "application").prefetch_related(
                "agreements__signatures", "signatories"
            ),
            pk=kwargs["pk"],
        )
        self.signatory = signatory_for_user(grant=self.grant, user=request.user)
        if self.signatory is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignView(SignatoryMixin, TemplateView):
    """What a signatory signs, and accepting it in the system with their password."""

    template_name = "projects/grantee/sign.html"

    def get_context_data(self, **kwargs):
        terms = call_terms(self.grant.call)
        agreement = agreement_to_sign(self.grant)
        signature = None
        if agreement is not None:
            signature = next(
                (s for s in agreement.signatures.all() if s.signatory_id == self.signatory.pk),
                None,
            )
        account = self.grant.bank_accounts.filter(state=BankAccountState.IN_USE).first()
        kwargs.setdefault("form", PasswordSignForm())
        return super().get_context_data(
            grant=self.grant,
            signatory=self.signatory,
            agreement=agreement,
            signature=signature,
            account=account,
            in_system=SigningMethod.IN_SYSTEM in signing_methods(grant=self.grant, terms=terms),
            # The applicant has the grant's page to go back to; other signatories don't.
            is_grantee=self.grant.application.applicant_id == self.request.user.pk,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = PasswordSignForm(request.POST)
        agreement = agreement_to_sign(self.grant)
        if agreement is None:
            raise Http404
        if form.is_valid():
            try:
                signature_in_system(
                    agreement=agreement,
                    signatory=self.signatory,
                    user=request.user,
                    password=form.cleaned_data["password"],
                    terms=call_terms(self.grant.call),
                    ip_address=_client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except SigningRefused as refused:
                form.add_error("password", refused.message)
            else:
                messages.success(request, _("You have signed the agreement. Thank you!"))
                return redirect("projects:sign", pk=self.grant.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignatoryAgreementPdfView(SignatoryMixin, View):
    """The agreement waiting for signatures, for a signatory to read before signing."""

    def get(self, request, *args, **kwargs):
        agreement = agreement_to_sign(self.grant)
        if agreement is None:
            raise Http404
        return _file_response(
            agreement.pdf,
            filename=f"{agreement.number.replace('/', '-')}.pdf",
            content_type="application/pdf",
        )


# --- The coordinator -----------------------------------------------------------------------


class SignedDocumentView(CoordinatorRequiredMixin, TemplateView):
    """An uploaded signed agreement: what the check found; confirming or refusing a scan."""

    template_name = "projects/manage/signed_document.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.document = get_object_or_404(
            SignedDocument.objects.select_related("agreement__grant__call", "uploaded_by"),
            pk=kwargs["document_pk"],
            agreement__grant_id=kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("refuse_form", ScanRefuseForm())
        return super().get_context_data(
            document=self.document, grant=self.document.agreement.grant, **kwargs
        )

    def post(self, request, *args, **kwargs):
        grant = self.document.agreement.grant
        if request.POST.get("action") == "accept":
            try:
                scan_accept(document=self.document, by=request.user)
            except SigningRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("Scan confirmed: the signatures are recorded."))
            return redirect("projects_manage:grant", pk=grant.pk)
        form = ScanRefuseForm(request.POST)
        if form.is_valid():
            scan_refuse(document=self.document, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Scan refused; the grantee can upload another."))
            return redirect("projects_manage:grant", pk=grant.pk)
        return self.render_to_response(self.get_context_data(refuse_form=form), status=400)


class SignedDocumentFileView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        document = get_object_or_404(
            SignedDocument.objects.select_related("agreement"),
            pk=kwargs["document_pk"],
            agreement__grant_id=kwargs["pk"],
        )
        number = document.agreement.number.replace("/", "-")
        return _file_response(
            document.file,
            filename=f"{number}-{document.method}{document.extension}",
            content_type=document.content_type,
        )


class CountersignView(CoordinatorRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        grant = grant_get_for_coordinator(pk=kwargs["pk"])
        agreement = agreement_to_sign(grant)
        if agreement is None:
            raise Http404
        try:
            agreement_countersign(agreement=Agreement(pk=agreement.pk), by=request.user)
        except SigningRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Countersigned: the agreement is signed."))
        return redirect("projects_manage:grant", pk=grant.pk)

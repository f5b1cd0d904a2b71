"""Guardians' consents and patron confirmations: the team's page to ask for them, and the
pages a guardian or a patron's representative opens from the e-mailed link (no account)."""

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from applicants.consents_guardian import (
    CLOSED_STATUSES,
    guardian_consent_answer,
    guardian_consent_request,
    guardian_consent_withdraw,
    patron_confirmation_answer,
    patron_confirmation_request,
)
from applicants.consents_selectors import (
    consent_summary,
    guardian_consent_by_token,
    guardian_consent_sections,
    guardian_consent_statement,
    link_expired,
    patron_confirmation_by_token,
    patron_confirmation_sections,
    patron_confirmation_statement,
)
from applicants.forms_consents import GuardianRequestForm, LinkAnswerForm, PatronRequestForm
from applicants.models import Application
from core.states import InvalidMove


def _shown_digest(sections, *statements) -> str:
    text = "\n".join([*(f"{h}\n{t}" for h, t in sections), *statements])
    return hashlib.sha256(text.encode()).hexdigest()


class TeamConsentsView(LoginRequiredMixin, TemplateView):
    """The team's page: its young people with their guardians' consents, and the patron."""

    template_name = "applicants/consents/team.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = get_object_or_404(
            Application.objects.of_team(request.user).select_related("call", "applicant"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        summary = consent_summary(self.application, now=self.request.arrived_at)
        forms = kwargs.pop("forms", {})
        people = [
            {
                "person": person,
                "form": forms.get(person.user_id)
                or GuardianRequestForm(
                    initial={
                        "child": person.user_id,
                        "guardian_name": person.consent.guardian_name if person.consent else "",
                        "guardian_email": person.consent.guardian_email if person.consent else "",
                    },
                    prefix=f"g{person.user_id}",
                ),
            }
            for person in summary.people
        ]
        patron = summary.patron
        patron_form = kwargs.pop("patron_form", None) or PatronRequestForm(
            initial={
                "representative_name": patron.representative_name if patron else "",
                "representative_email": patron.representative_email if patron else "",
            },
            prefix="patron",
        )
        return super().get_context_data(
            application=self.application,
            call=self.application.call,
            summary=summary,
            people=people,
            patron_form=patron_form,
            can_ask=self.application.status not in CLOSED_STATUSES,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "patron":
            form = PatronRequestForm(request.POST, prefix="patron")
            if form.is_valid():
                try:
                    confirmation = patron_confirmation_request(
                        application=self.application,
                        representative_name=form.cleaned_data["representative_name"],
                        representative_email=form.cleaned_data["representative_email"],
                        by=request.user,
                    )
                except (ValidationError, InvalidMove) as exc:
                    form.add_error(None, _error_text(exc))
                else:
                    messages.success(
                        request,
                        _("We e-mailed %(email)s a link to confirm.")
                        % {"email": confirmation.representative_email},
                    )
                    return redirect("applicants:consents", pk=self.application.pk)
            return self.render_to_response(self.get_context_data(patron_form=form), status=400)
        try:
            child = int(request.POST.get("child", ""))
        except ValueError:
            child = 0
        form = GuardianRequestForm(request.POST, prefix=f"g{child}")
        if form.is_valid():
            try:
                consent = guardian_consent_request(
                    application=self.application,
                    child_id=form.cleaned_data["child"],
                    guardian_name=form.cleaned_data["guardian_name"],
                    guardian_email=form.cleaned_data["guardian_email"],
                    by=request.user,
                )
            except (ValidationError, InvalidMove) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(
                    request,
                    _("We e-mailed %(email)s a link to the consent for %(name)s.")
                    % {"email": consent.guardian_email, "name": consent.child_name},
                )
                return redirect("applicants:consents", pk=self.application.pk)
        return self.render_to_response(self.get_context_data(forms={child: form}), status=400)


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("This can't be done any more: the answer has changed meanwhile.")


class LinkPageMixin:
    """A page opened from an e-mailed link: no account, nothing cached, and the link (its
    token) never sent to another site as a referrer. ("no-referrer" would also make the
    browser send "Origin: null" with the answer, which the CSRF check refuses.)"""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response


class GuardianConsentView(LinkPageMixin, TemplateView):
    """What the guardian reads, and their answer: give, refuse, or later withdraw."""

    template_name = "applicants/consents/guardian.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.consent = guardian_consent_by_token(kwargs["token"])

    def texts(self):
        sections = guardian_consent_sections(self.consent)
        give = guardian_consent_statement(self.consent, give=True)
        refuse = guardian_consent_statement(self.consent, give=False)
        return sections, give, refuse

    def get_context_data(self, **kwargs):
        sections, give, refuse = self.texts()
        expired = link_expired(self.consent, now=self.request.arrived_at)
        kwargs.setdefault(
            "form", LinkAnswerForm(initial={"shown": _shown_digest(sections, give, refuse)})
        )
        return super().get_context_data(
            consent=self.consent,
            application=self.consent.application,
            sections=sections,
            give_statement=give,
            refuse_statement=refuse,
            expired=expired,
            States=GuardianConsentState,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        return self.render_to_response(context, status=410 if context["expired"] else 200)

    def post(self, request, *args, **kwargs):
        form = LinkAnswerForm(request.POST)
        sections, give, refuse = self.texts()
        if form.is_valid():
            answer = request.POST.get("answer")
            try:
                if answer == "withdraw":
                    guardian_consent_withdraw(
                        consent=self.consent, signed_name=form.cleaned_data["signed_name"]
                    )
                elif form.cleaned_data["shown"] != _shown_digest(sections, give, refuse):
                    form.add_error(
                        None,
                        _("The application changed while you were reading. Read it again, please."),
                    )
                elif answer in ("give", "refuse"):
                    guardian_consent_answer(
                        consent=self.consent,
                        give=answer == "give",
                        signed_name=form.cleaned_data["signed_name"],
                        now=request.arrived_at,
                    )
                else:
                    form.add_error(None, _("Choose an answer."))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            except InvalidMove:
                form.add_error(None, _("Your answer was already recorded."))
            if not form.errors:
                return redirect(request.path)
        self.consent.refresh_from_db()
        form.data = form.data.copy()
        form.data["shown"] = _shown_digest(sections, give, refuse)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PatronConfirmationView(LinkPageMixin, TemplateView):
    """What the patron's representative reads, and their answer: confirm or decline."""

    template_name = "applicants/consents/patron.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.confirmation = patron_confirmation_by_token(kwargs["token"])

    def texts(self):
        sections = patron_confirmation_sections(self.confirmation)
        return (
            sections,
            patron_confirmation_statement(self.confirmation, confirm=True),
            patron_confirmation_statement(self.confirmation, confirm=False),
        )

    def get_context_data(self, **kwargs):
        sections, confirm, decline = self.texts()
        kwargs.setdefault(
            "form", LinkAnswerForm(initial={"shown": _shown_digest(sections, confirm, decline)})
        )
        return super().get_context_data(
            confirmation=self.confirmation,
            application=self.confirmation.application,
            sections=sections,
            confirm_statement=confirm,
            decline_statement=decline,
            expired=link_expired(self.confirmation, now=self.request.arrived_at),
            States=PatronConfirmationState,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        return self.render_to_response(context, status=410 if context["expired"] else 200)

    def post(self, request, *args, **kwargs):
        form = LinkAnswerForm(request.POST)
        sections, confirm, decline = self.texts()
        if form.is_valid():
            answer = request.POST.get("answer")
            if form.cleaned_data["shown"] != _shown_digest(sections, confirm, decline):
                form.add_error(
                    None,
                    _("The application changed while you were reading. Read it again, please."),
                )
            elif answer not in ("confirm", "decline"):
                form.add_error(None, _("Choose an answer."))
            else:
                try:
                    patron_confirmation_answer(
                        confirmation=self.confirmation,
                        confirm=answer == "confirm",
                        signed_name=form.cleaned_data["signed_name"],
                        now=request.arrived_at,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                except InvalidMove:
                    form.add_error(None, _("Your answer was already recorded."))
            if not form.errors:
                return redirect(request.path)
        self.confirmation.refresh_from_db()
        form.data = form.data.copy()
        form.data["shown"] = _shown_digest(sections, confirm, decline)
        return self.render_to_response(self.get_context_data(form=form), status=400)

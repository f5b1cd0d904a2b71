"""The applicant's pages: starting, filling in the sections, attachments, submitting, withdrawing."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.awards import award_notes_for
from applicants.budget import budget_totals
from applicants.consents_selectors import consent_summary
from applicants.diff import FIELD_LABELS, field_as_text
from applicants.enums import VersionPdfKind
from applicants.forms import (
    AttachmentForm,
    BudgetFormSet,
    EligibilityForm,
    GroupMemberFormSet,
    ProfileForm,
    QuestionsForm,
    ScheduleFormSet,
    SubmitForm,
    WithdrawForm,
    text_section_form,
)
from applicants.forms_indicators import indicator_formset
from applicants.models import ApplicantProfile, ApplicationVersion
from applicants.section_saves import (
    SectionConflict,
    section_content,
    section_latest_save,
    section_save,
)
from applicants.sections import FORM_SECTIONS, SECTIONS_BY_SLUG, sections_for
from applicants.selectors import (
    application_attachment_for,
    application_attachments,
    application_get_for_owner,
    application_get_for_team,
    application_list_for_applicant,
    application_section_history,
    application_timeline,
    application_versions,
    live_application,
    profile_for,
)
from applicants.services import (
    ApplicationLocked,
    InvalidTransition,
    SubmissionRefused,
    application_start,
    application_submit,
    application_withdraw,
    attachment_add,
    attachment_remove,
    profile_save,
)
from applicants.submission import (
    application_budget_problems,
    application_problems,
    budget_problem_templates,
    closed_notice,
)
from applicants.unread import unread_messages_for
from applicants.uploads import attachment_check
from applicants.views.pdf_copy import version_pdf_response
from core.autosave import (
    autosave_conflict,
    autosave_key,
    autosave_refused,
    autosave_response,
    autosave_signed_out,
    autosave_version,
    form_errors,
    formset_errors,
)
from core.enums import Role
from core.views import WaitingForYouMixin
from grants.selectors import call_get_public

# The sections' tables (formsets), each saved whole by its own service.
TABLES = ("schedule", "budget", "indicators")


def progress_for(application, *, arrived_at) -> dict:
    """Sections with their problems, for the progress indicator and the submit page."""
    problems = application_problems(application, arrived_at=arrived_at)
    by_section: dict[str, list] = {}
    for problem in problems:
        by_section.setdefault(problem.section, []).append(problem)
    sections = sections_for(application.call, has_questions=application.call.questions.exists())
    rows = [
        {
            "section": section,
            "url": section.url(application),
            "problems": by_section.get(section.slug, []),
            "complete": section.slug != "submit" and not by_section.get(section.slug),
        }
        for section in sections
    ]
    fillable = [row for row in rows if row["section"].slug != "submit"]
    done = sum(1 for row in fillable if row["complete"])
    return {
        "rows": rows,
        "problems": problems,
        "done": done,
        "total": len(fillable),
        "percent": round(100 * done / len(fillable)) if fillable else 100,
        "team_url": reverse("applicants:team", kwargs={"pk": application.pk}),
    }


def attach_service_errors(exc: ValidationError, *, form, tables: dict) -> None:
    """Show a service's refusal beside what it is about: a table (formset) or a form field."""
    for key, errors in exc.update_error_dict({}).items():
        texts = ValidationError(errors).messages
        if key in tables:
            tables[key].non_form_errors().extend(texts)
        elif form is not None:
            form.add_error(key if key in form.fields else None, texts)
        else:
            next(iter(tables.values())).non_form_errors().extend(texts)


class ApplyView(LoginRequiredMixin, TemplateView):
    """The call's eligibility screener, then a draft (never a second one)."""

    template_name = "applicants/apply.html"

    def dispatch(self, request, *args, **kwargs):
        self.call = call_get_public(slug=kwargs["slug"], with_documents=True)
        if request.user.is_authenticated:
            existing = live_application(call=self.call, applicant=request.user)
            if existing:
                return redirect(existing.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return EligibilityForm(data, questions=self.call.eligibility_questions.all())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(call=self.call, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.call.is_accepting:
            messages.error(request, _("This call is not accepting applications."))
            return redirect(self.call.get_absolute_url())
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        failures = form.failures()
        if failures:
            return self.render_to_response(self.get_context_data(form=form, failures=failures))
        application = application_start(
            call=self.call, applicant=request.user, eligibility_answers=form.answers()
        )
        if profile_for(request.user) is None:
            messages.info(request, _("Your draft is ready. First, tell us who is applying."))
            return redirect(reverse("applicants:profile") + f"?application={application.pk}")
        messages.success(
            request, _("Your draft is ready. It is saved as you go, section by section.")
        )
        return redirect("applicants:section", pk=application.pk, section="basics")


class MyApplicationsView(LoginRequiredMixin, WaitingForYouMixin, TemplateView):
    """The applicant's start page: what is waiting for them, then each application with its award."""

    template_name = "applicants/my_applications.html"
    waiting_role = Role.APPLICANT

    def get_context_data(self, **kwargs):
        applications = list(application_list_for_applicant(user=self.request.user))
        awards = award_notes_for(application_ids=[application.pk for application in applications])
        unread = unread_messages_for(
            user=self.request.user, application_ids=[application.pk for application in applications]
        )
        for application in applications:
            application.award = awards.get(application.pk)
            application.unread_messages = unread.get(application.pk, 0)
        return super().get_context_data(applications=applications, **kwargs)


class ProfileView(LoginRequiredMixin, TemplateView):
    """Who applies: chosen once, editable; returns to the application it was opened from."""

    template_name = "applicants/profile.html"

    def get_next_url(self) -> str | None:
        application_id = self.request.GET.get("application") or self.request.POST.get("application")
        if application_id and application_id.isdigit():
            try:
                application = application_get_for_owner(
                    user=self.request.user, pk=int(application_id)
                )
            except Http404:
                return None
            return reverse("applicants:section", kwargs={"pk": application.pk, "section": "basics"})
        next_url = self.request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}
        ):
            return next_url
        return None

    def build(self, data=None):
        profile = profile_for(self.request.user) or ApplicantProfile(
            user=self.request.user, contact_name=self.request.user.full_name
        )
        form = ProfileForm(data, instance=profile)
        require_members = bool(data and data.get("kind") == "group")
        members = GroupMemberFormSet(
            data, instance=profile, prefix="members", require_members=require_members
        )
        return profile, form, members

    def get(self, request, *args, **kwargs):
        profile, form, members = self.build()
        return self.render_to_response(
            self.get_context_data(form=form, members=members, profile=profile)
        )

    def post(self, request, *args, **kwargs):
        profile, form, members = self.build(request.POST)
        if form.is_valid() and members.is_valid():
            try:
                profile_save(profile=form.save(commit=False), members=members.member_rows())
            except ValidationError as exc:
                attach_service_errors(exc, form=form, tables={"members": members})
            else:
                messages.success(request, _("Saved."))
                return redirect(self.get_next_url() or reverse("applicants:profile"))
        messages.error(request, _("Not saved yet. Please correct the marked fields."))
        return self.render_to_response(
            self.get_context_data(form=form, members=members, profile=profile)
        )

    def get_context_data(self, **kwargs):
        profile = kwargs.get("profile")
        # Saved with its button only (its checks hang together: the kind of applicant, a
        # group's members, NIP and REGON): autosave.js keeps a copy in the browser and
        # warns before leaving with changes, but sends nothing on its own.
        autosave = {
            "key": autosave_key(self.request.user, "profile"),
            "version": autosave_version(profile.updated_at if profile and profile.pk else None),
        }
        return super().get_context_data(
            application_id=self.request.GET.get("application", ""), autosave=autosave, **kwargs
        )


class OwnApplicationMixin(LoginRequiredMixin):
    """Loads an application of the user's team (they lead or edit it); anybody else's is a 404.

    `lead_only` views (submitting, withdrawing) answer an editor with 403: they may know
    the application, but it is the lead's to do.
    """

    lead_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = application_get_for_team(user=request.user, pk=kwargs["pk"])
        if self.lead_only and not request.user.has_perm(
            "applicants.lead_application", self.application
        ):
            raise PermissionDenied(_("Only the application's lead can do this."))
        return super().dispatch(request, *args, **kwargs)

    def locked_response(self):
        messages.error(
            self.request,
            _("This application has been submitted and can't be changed now."),
        )
        return redirect(self.application.get_absolute_url())

    @property
    def closed_notice(self) -> str:
        """Why this draft can no longer be submitted ("" while it can): every page of it says so."""
        if not hasattr(self, "_closed_notice"):
            self._closed_notice = (
                closed_notice(self.application, now=self.request.arrived_at)
                if self.application.is_editable
                else ""
            )
        return self._closed_notice

    @property
    def closed_note(self) -> str:
        """The same in a few words, for the autosave's "Saved at 12:03." line."""
        if not self.closed_notice:
            return ""
        if self.application.awaits_correction:
            return _("The time for corrections is over: it can't be resubmitted.")
        return _("The call is closed: this application can't be submitted.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            closed_notice=self.closed_notice, closed_note=self.closed_note, **kwargs
        )


class ApplicationDetailView(OwnApplicationMixin, TemplateView):
    template_name = "applicants/application_detail.html"

    def get_context_data(self, **kwargs):
        application = self.application
        context = super().get_context_data(**kwargs)
        context.update(
            application=application,
            timeline=application_timeline(application),
            section_history=application_section_history(application),
            versions=list(application_versions(application)),
            unread_messages=unread_messages_for(
                user=self.request.user, application_ids=[application.pk]
            ).get(application.pk, 0),
            consents=consent_summary(application, now=self.request.arrived_at, selected=True),
        )
        if application.is_editable:
            context["progress"] = progress_for(application, arrived_at=self.request.arrived_at)
        return context


class SectionView(OwnApplicationMixin, TemplateView):
    """One section of the form. Saving never requires the other sections to be complete."""

    template_name = "applicants/section.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["section"] not in FORM_SECTIONS:
            raise Http404
        self.section = SECTIONS_BY_SLUG[kwargs["section"]]
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None) -> dict:
        application = self.application
        slug = self.section.slug
        forms = {}
        if self.section.text_fields:
            forms["form"] = text_section_form(self.section.text_fields)(data, instance=application)
        # The stored rows are the tables' initial values only when showing them: posted
        # rows are compared with nothing, or a row already stored by an autosave (or in
        # another tab) would count as "unchanged" and be dropped from the table saved.
        if slug == "activities":
            initial = None
            if data is None:
                initial = [
                    {"starts_on": i.starts_on, "ends_on": i.ends_on, "activity": i.activity}
                    for i in application.schedule.all()
                ]
            forms["schedule"] = ScheduleFormSet(data, initial=initial, prefix="schedule")
        if slug == "budget":
            initial = None
            if data is None:
                initial = [
                    {
                        "category": line.category,
                        "item": line.item,
                        "unit": line.unit,
                        "quantity": line.quantity,
                        "unit_cost": line.unit_cost,
                        "own_contribution": line.own_contribution,
                    }
                    for line in application.budget_lines.all()
                ]
            forms["budget"] = BudgetFormSet(data, initial=initial, prefix="budget")
        if slug == "results":
            forms["indicators"] = indicator_formset(
                data,
                application=application,
                call_indicators=list(application.call.indicators.all()),
            )
        if slug == "questions":
            questions = list(application.call.questions.all())
            if not questions:
                raise Http404
            forms["form"] = QuestionsForm(
                data,
                questions=questions,
                initial={f"q{key}": value for key, value in application.answers.items()},
            )
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conflict = kwargs.get("conflict")
        based_on = kwargs.get("based_on")
        if based_on is None:
            latest = section_latest_save(application=self.application, section=self.section.slug)
            based_on = latest.revision if latest else 0
        context.update(
            formset=kwargs.get("schedule") or kwargs.get("budget") or kwargs.get("indicators"),
            application=self.application,
            section=self.section,
            progress=progress_for(self.application, arrived_at=self.request.arrived_at),
            call=self.application.call,
            based_on=based_on,
            autosave={
                # Two versions on the page: nothing is sent until the person has chosen.
                "url": ""
                if conflict
                else reverse(
                    "applicants:section_autosave",
                    kwargs={"pk": self.application.pk, "section": self.section.slug},
                ),
                "key": autosave_key(
                    self.request.user, "application", self.application.pk, self.section.slug
                ),
                "version": autosave_version(self.application.updated_at),
            },
        )
        if self.section.slug == "budget":
            # Beside the total: the saved budget against the call's rules (the page's
            # script updates them while the applicant types, from the same wording).
            context.update(
                budget_problems=application_budget_problems(self.application),
                budget_problem_templates=budget_problem_templates(self.application.call),
            )
        return context

    def get(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return self.locked_response()
        return self.render_to_response(self.get_context_data(**self.forms()))

    def post(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return self.locked_response()
        data, kept = self.with_choices(request.POST)
        forms = self.forms(data)
        checked = {key: form for key, form in forms.items() if key not in kept}
        if all(form.is_valid() for form in checked.values()):
            try:
                # One section is saved whole or not at all (its text and its table).
                with transaction.atomic():
                    self.save(checked)
            except ApplicationLocked:
                return self.locked_response()
            except SectionConflict as conflict:
                return self.conflict_response(forms, conflict)
            except ValidationError as exc:
                tables = {key: forms[key] for key in TABLES if key in forms}
                attach_service_errors(exc, form=forms.get("form"), tables=tables)
            else:
                go = request.POST.get("go")
                self.saved_message(forms, go=go)
                return redirect(self.next_url(go))
        messages.error(request, _("Not saved yet. Please correct the marked fields."))
        return self.render_to_response(self.get_context_data(based_on=self.posted_base(), **forms))

    def posted_base(self) -> int | None:
        """The section's revision the page was opened on (None from a page without one)."""
        value = self.request.POST.get("based_on", "")
        return int(value) if value.isdigit() else None

    def with_choices(self, posted) -> tuple:
        """The posted form with the choices made in the two-versions panel applied.

        A text field whose stored ("their") version was chosen gets the stored text; a table
        or the answers whose stored version was chosen are left out of the save. Returns the
        data and the keys of the forms left out.
        """
        whole = posted.get("conflict_all", "")
        if not whole and not any(key.startswith("conflict_") for key in posted):
            return posted, set()

        def theirs(name: str) -> bool:
            return whole == "theirs" or (not whole and posted.get(f"conflict_{name}") == "theirs")

        data = posted.copy()
        kept = set()
        stored = section_content(self.application, self.section.slug)
        for name in self.section.text_fields:
            if theirs(name):
                data[name] = stored[name]
        for name in (*TABLES, "answers"):
            if name in stored and theirs(name):
                kept.add("form" if name == "answers" else name)
        return data, kept

    def conflict_response(self, forms: dict, conflict: SectionConflict):
        """Both versions: theirs as stored (read-only), the person's own still in the form."""
        self.application.refresh_from_db()
        stored = self.stored_for_display()
        latest = conflict.latest
        parts = [
            {
                "name": name,
                "label": FIELD_LABELS.get(name, name),
                "theirs": field_as_text(stored[name], name),
                "is_table": name in TABLES or name == "answers",
                # Where "yours" is on the page (the answers are several fields: no one place).
                "anchor": name if name in TABLES else "" if name == "answers" else f"id_{name}",
            }
            for name in conflict.fields
        ]
        context = self.get_context_data(
            based_on=conflict.revision,
            conflict={
                "by": latest.by_name if latest else "",
                "at": latest.at if latest else None,
                "parts": parts,
            },
            **forms,
        )
        return self.render_to_response(context, status=409)

    def stored_for_display(self) -> dict:
        """The section as stored now, in the shapes applicants.diff words for people."""
        application = self.application
        stored = {name: getattr(application, name) for name in self.section.text_fields}
        if self.section.slug == "activities":
            stored["schedule"] = [
                {"starts_on": i.starts_on, "ends_on": i.ends_on, "activity": i.activity}
                for i in application.schedule.all()
            ]
        if self.section.slug == "budget":
            stored["budget"] = {
                "lines": [
                    {
                        "item": line.item,
                        "quantity": line.quantity,
                        "unit": line.unit,
                        "unit_cost": line.unit_cost,
                        "total": line.total,
                    }
                    for line in application.budget_lines.all()
                ],
                "requested_amount": application.requested_amount,
            }
        if self.section.slug == "results":
            stored["indicators"] = [
                {
                    "name": row.call_indicator.name if row.call_indicator else row.name,
                    "planned": row.planned,
                    "unit": row.call_indicator.unit if row.call_indicator else row.unit,
                }
                for row in application.indicators.select_related("call_indicator")
            ]
        if self.section.slug == "questions":
            texts = {str(q.pk): q.text for q in application.call.questions.all()}
            stored["answers"] = "\n".join(
                f"{texts.get(key, key)}: {value}" for key, value in application.answers.items()
            )
        return stored

    def saved_message(self, forms: dict, *, go: str | None) -> None:
        """ "Saved.", or for a budget that breaks the call's rules, saved with a warning."""
        if self.closed_notice:
            # Never a plain "Saved." for a draft that can't be submitted any more.
            messages.warning(self.request, _("Saved.") + " " + self.closed_notice)
            return
        problems = application_budget_problems(self.application) if "budget" in forms else []
        if not problems:
            messages.success(self.request, _("Saved."))
        elif go == "stay":  # the page shows the problems beside the total
            messages.warning(
                self.request,
                _("Saved, but the budget doesn't meet the call's rules yet: see below the total."),
            )
        else:
            messages.warning(
                self.request,
                _("Saved, but the budget doesn't meet the call's rules yet: %(problems)s")
                % {"problems": " ".join(problems)},
            )

    def parts(self, forms: dict, *, fields: dict | None = None) -> dict:
        """What section_save stores from the section's valid forms (`fields`: some text only)."""
        parts: dict = {}
        if "form" in forms:
            if self.section.slug == "questions":
                parts["answers"] = forms["form"].answers()
            else:
                parts["fields"] = forms["form"].cleaned_data if fields is None else fields
        for table in TABLES:
            if table in forms:
                parts[table] = forms[table].rows()
        return parts

    def save(self, forms: dict) -> None:
        section_save(
            application=self.application,
            section=self.section.slug,
            parts=self.parts(forms),
            based_on=self.posted_base(),
            by=self.request.user,
        )

    def next_url(self, go: str | None) -> str:
        if go == "next":
            # Only "next" needs the sections (and the query whether the call has questions).
            call = self.application.call
            sections = sections_for(call, has_questions=call.questions.exists())
            index = [s.slug for s in sections].index(self.section.slug)
            if index + 1 < len(sections):
                return sections[index + 1].url(self.application)
        if go == "overview":
            return self.application.get_absolute_url()
        return self.request.path


class SectionAutosaveView(SectionView):
    """A section's autosave: what passed validation is stored, the refused fields come back.

    The text fields of a section are saved one by one (a refused field keeps what was
    stored, and its typed text stays in the browser); a table (schedule, budget, indicators) is saved
    whole when all its rows are valid, else it stays as last saved and its rows' messages
    come back. A draft of a closed call still saves, with a note that it can't be submitted.
    """

    http_method_names = ["post"]

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return autosave_signed_out()

    def post(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return autosave_refused(
                _("This application has been submitted and can't be changed now.")
            )
        forms = self.forms(request.POST)
        errors: dict[str, list[str]] = {}
        valid: dict = {}
        fields = None
        if "form" in forms:
            forms["form"].is_valid()
            errors.update(form_errors(forms["form"]))
            fields = self.valid_fields(forms["form"])
            if fields is not None:
                valid["form"] = forms["form"]
        for table in TABLES:
            if table not in forms:
                continue
            if forms[table].is_valid():
                valid[table] = forms[table]
            else:
                errors.update(formset_errors(forms[table], table))
        parts = self.parts(valid, fields=fields)
        if self.section.slug == "questions" and "form" in valid:
            parts["answers"] = fields
        try:
            # Each part is stored on its own: a refused table never holds back the text.
            saved = section_save(
                application=self.application,
                section=self.section.slug,
                parts=parts,
                based_on=self.posted_base(),
                by=request.user,
                whole=False,
            )
        except ApplicationLocked:
            return autosave_refused(
                _("This application has been submitted and can't be changed now.")
            )
        except SectionConflict as conflict:
            return autosave_conflict(self.conflict_message(conflict))
        for name, problems in saved.errors.items():
            field = "__all__" if name == NON_FIELD_ERRORS else name
            errors[field] = ValidationError(problems).messages
        self.application.refresh_from_db(fields=["updated_at"])
        return autosave_response(
            saved_at=self.application.updated_at,
            errors=errors,
            note=self.closed_note,
            revision=saved.revision,
        )

    def conflict_message(self, conflict: SectionConflict) -> str:
        latest = conflict.latest
        who = latest.by_name if latest else _("Someone else")
        at = timezone.localtime(latest.at).strftime("%H:%M") if latest else ""
        return _(
            "%(name)s saved this section at %(time)s, while you were writing. Nothing was "
            "overwritten and your text is still here, but it is not saved. Press “Save” to "
            "see both versions and choose what stays."
        ) % {"name": who, "time": at}

    def valid_fields(self, form) -> dict | None:
        """The fields of the section's form that passed validation (None: none did).

        For the call's questions, the answers to store: a refused one keeps its stored answer.
        """
        application = self.application
        if self.section.slug == "questions":
            refused = {
                number: answer
                for number, answer in application.answers.items()
                if f"q{number}" in form.errors
            }
            return {**refused, **form.answers()}
        valid = {name: form.cleaned_data[name] for name in form.fields if name not in form.errors}
        return valid or None


class AttachmentsView(OwnApplicationMixin, TemplateView):
    template_name = "applicants/attachments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            attachments=application_attachments(self.application),
            requirements=self.application.call.attachment_requirements.all(),
            progress=progress_for(self.application, arrived_at=self.request.arrived_at),
            section=SECTIONS_BY_SLUG["attachments"],
            call=self.application.call,
        )
        context.setdefault("form", AttachmentForm(call=self.application.call))
        return context

    def get(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return self.locked_response()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return self.locked_response()
        call = self.application.call
        form = AttachmentForm(request.POST, request.FILES, call=call)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if application_attachments(self.application).count() >= call.max_attachments:
                form.add_error(
                    "file",
                    _("You can attach at most %(count)s files. Remove one first.")
                    % {"count": call.max_attachments},
                )
            else:
                try:
                    checked = attachment_check(upload, max_mb=call.max_attachment_mb)
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    attachment_add(
                        application=self.application,
                        upload=upload,
                        requirement=form.cleaned_data["requirement"],
                        checked=checked,
                    )
                    messages.success(request, _("“%(name)s” is attached.") % {"name": checked.name})
                    return redirect("applicants:attachments", pk=self.application.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AttachmentRemoveView(OwnApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return self.locked_response()
        attachment = application_attachment_for(
            application=self.application, attachment_pk=kwargs["attachment_pk"]
        )
        if attachment.removed_at is None:
            attachment_remove(attachment=attachment)
            messages.success(
                request, _("“%(name)s” is removed.") % {"name": attachment.original_name}
            )
        return redirect("applicants:attachments", pk=self.application.pk)


def attachment_response(attachment) -> FileResponse:
    """Send a stored attachment as a download, never rendered inline by the browser."""
    if not attachment.file.name:
        raise Http404  # erased with its uploader's account: only its name and checksum remain
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class AttachmentDownloadView(OwnApplicationMixin, View):
    def get(self, request, *args, **kwargs):
        attachment = application_attachment_for(
            application=self.application, attachment_pk=kwargs["attachment_pk"]
        )
        return attachment_response(attachment)


class SubmitView(OwnApplicationMixin, TemplateView):
    """The last step: every problem listed with a link, the consents, the submit button."""

    template_name = "applicants/submit.html"

    def get_context_data(self, **kwargs):
        application = self.application
        context = super().get_context_data(**kwargs)
        lines = list(application.budget_lines.all())
        context.update(
            application=application,
            call=application.call,
            section=SECTIONS_BY_SLUG["submit"],
            progress=progress_for(application, arrived_at=self.request.arrived_at),
            consents=consent_summary(application, now=self.request.arrived_at, selected=True),
            totals=budget_totals(
                (line.quantity, line.unit_cost, line.own_contribution) for line in lines
            ),
        )
        context.setdefault(
            "form", SubmitForm(call=application.call, applicant_kind=self.applicant_kind())
        )
        return context

    def applicant_kind(self) -> str:
        """Who applies (the profile's kind): a person alone is asked about publishing their name."""
        profile = profile_for(self.application.applicant)
        return profile.kind if profile else ""

    def get(self, request, *args, **kwargs):
        if not self.application.is_editable:
            return redirect(self.application.get_absolute_url())
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("applicants.lead_application", self.application):
            raise PermissionDenied(_("Only the application's lead can do this."))
        if not self.application.is_editable:
            return redirect(self.application.get_absolute_url())
        form = SubmitForm(
            request.POST, call=self.application.call, applicant_kind=self.applicant_kind()
        )
        form.is_valid()
        consents = form.accepted_consents() if hasattr(form, "cleaned_data") else []
        try:
            version = application_submit(
                application=self.application,
                by=request.user,
                consents=consents,
                arrived_at=request.arrived_at,
            )
        except SubmissionRefused as refused:
            self.application.refresh_from_db(fields=["status"])
            if not self.application.is_editable:
                # A double click (or a second tab) waited for the row lock while the first
                # request submitted: it is submitted, so never answer "not submitted".
                return redirect(self.application.get_absolute_url())
            messages.error(
                request, _("The application was not submitted. See what is missing below.")
            )
            return self.render_to_response(
                self.get_context_data(form=form, refused=refused.problems), status=400
            )
        application = version.application
        messages.success(
            request,
            _(
                "Submitted! Your application number is %(number)s. A confirmation with a PDF copy is on its way to %(email)s."
            )
            % {"number": application.reference_number, "email": request.user.email},
        )
        return redirect(application.get_absolute_url())


class WithdrawView(OwnApplicationMixin, TemplateView):
    template_name = "applicants/withdraw.html"
    lead_only = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", WithdrawForm())
        return super().get_context_data(application=self.application, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.application.can_withdraw:
            return redirect(self.application.get_absolute_url())
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            application_withdraw(
                application=self.application, by=request.user, note=form.cleaned_data["reason"]
            )
        except InvalidTransition:
            messages.error(request, _("This application can no longer be withdrawn."))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect(self.application.get_absolute_url())


class VersionPdfView(OwnApplicationMixin, View):
    """The stored full PDF copy of one of the user's submitted versions (never rendered here)."""

    def get(self, request, *args, **kwargs):
        version = ApplicationVersion.objects.filter(
            application=self.application, number=kwargs["number"]
        ).first()
        if version is None:
            raise Http404
        return version_pdf_response(
            request,
            version=version,
            kind=VersionPdfKind.FULL,
            back_url=self.application.get_absolute_url(),
        )

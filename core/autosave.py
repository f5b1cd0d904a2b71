"""The answers of the autosave endpoints (the review form, the application's sections).

static/js/autosave.js reads them. One shape for every form that saves as people type:

- ``state``: "saved" (everything sent is stored), "invalid" (the valid rest is stored; the
  refused fields are in ``errors`` and stay typed in the browser), "refused" (nothing can be
  stored any more, ``message`` says why), "conflict" (someone else saved the same section
  meanwhile: nothing stored, ``message`` says who and when) or "signed_out";
- ``revision``: an application section's revision after the save: the page's next save is
  based on it (applicants.section_saves);
- ``saved_at``: when the draft was last stored, "HH:MM" Polish time;
- ``errors``: messages by the field's name in the form (its HTML name, with a formset's
  prefix), or by a table's name for the whole table, or "__all__";
- ``note``: what the person must know even though it saved (e.g. the call has closed);
- ``version``: the stored draft's version (autosave_version), which the page also carries:
  a copy kept in the browser is restored without asking only onto the version it was typed on.
"""

from datetime import datetime

from django.forms import BaseForm, BaseFormSet
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def autosave_key(user, *parts) -> str:
    """The name of the browser's copy of a form (localStorage): one per person and form.

    The person's id is in it, so a copy left on a shared computer is never offered to
    someone else who signs in there.
    """
    return ":".join(["mikrogranty", "autosave", f"u{user.pk}", *map(str, parts)])


def autosave_version(moment: datetime | None) -> str:
    """A draft's version as the page and the answers carry it: its last save, in microseconds."""
    return str(round(moment.timestamp() * 1_000_000)) if moment else ""


def form_errors(form: BaseForm) -> dict[str, list[str]]:
    """A bound form's errors by the HTML names of its fields ("__all__" for the form's own)."""
    return {
        (form.add_prefix(name) if name in form.fields else name): list(messages)
        for name, messages in form.errors.items()
    }


def formset_errors(formset: BaseFormSet, table: str) -> dict[str, list[str]]:
    """A bound formset's errors: each row's by field name; the table's own under `table`."""
    errors: dict[str, list[str]] = {}
    for form in formset.forms:
        for name, messages in form_errors(form).items():
            # A row's own errors (not a field's) are shown at the row: key "<prefix>-<n>".
            errors[form.prefix if name == "__all__" else name] = messages
    if formset.non_form_errors():
        errors[table] = list(formset.non_form_errors())
    return errors


def autosave_response(
    *,
    saved_at: datetime | None,
    errors: dict[str, list[str]],
    note: str = "",
    revision: int | None = None,
) -> JsonResponse:
    """The answer after a save: 200 if all of it was stored, 400 with the refused fields if not.

    `revision`: the section's revision now, which the page's next save is based on.
    """
    body = {
        "state": "invalid" if errors else "saved",
        "saved_at": timezone.localtime(saved_at).strftime("%H:%M") if saved_at else "",
        "errors": errors,
        "note": note,
        "version": autosave_version(saved_at),
    }
    if revision is not None:
        body["revision"] = revision
    return JsonResponse(body, status=400 if errors else 200)


def autosave_conflict(message: str) -> JsonResponse:
    """Someone else saved the same section meanwhile: 409, nothing stored, autosave pauses.

    The browser keeps the text; the page's save button then shows both versions.
    """
    return JsonResponse({"state": "conflict", "message": message, "errors": {}}, status=409)


def autosave_refused(message: str) -> JsonResponse:
    """Nothing can be stored any more (submitted, results published): 409 with the reason."""
    return JsonResponse({"state": "refused", "message": message, "errors": {}}, status=409)


def autosave_signed_out() -> JsonResponse:
    """The session ended while typing: 403; the browser keeps the text and says so."""
    return JsonResponse(
        {
            "state": "signed_out",
            "message": _("You are signed out. Sign in again in another tab to save."),
            "errors": {},
        },
        status=403,
    )

"""Writes to the rows core owns besides e-mails: who runs the programme."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.logos import CheckedLogo
from core.models import ProgrammeProfile


@transaction.atomic
def programme_profile_save(
    *,
    profile: ProgrammeProfile,
    by,
    logo: CheckedLogo | None = None,
    remove_logo: bool = False,
) -> ProgrammeProfile:
    """Save the programme profile (the one row) as changed by `by`, with a new logo or none.

    `logo` must come from core.logos.logo_checked(). The change is recorded in
    the profile's history (who, when, which values); the cached copy every page
    reads is forgotten (core.apps), so pages, letters and e-mails use the new
    values from now on. Letters already issued keep the values they were issued with.
    """
    stored = (
        ProgrammeProfile.objects.select_for_update()
        .filter(pk=ProgrammeProfile.SINGLETON_PK)
        .first()
    )
    profile.pk = ProgrammeProfile.SINGLETON_PK
    profile._state.adding = stored is None
    if logo is not None:
        profile.logo = logo.data
        profile.logo_content_type = logo.content_type
        profile.logo_updated_at = timezone.now()
    elif remove_logo:
        profile.logo = b""
        profile.logo_content_type = ""
        profile.logo_updated_at = timezone.now()
    elif stored is not None:
        # The profile may have been read without the logo's bytes: keep the stored logo.
        profile.logo = stored.logo
        profile.logo_content_type = stored.logo_content_type
        profile.logo_updated_at = stored.logo_updated_at
    profile.full_clean()
    profile._history_user = by
    profile.save()
    return profile


def change_count(model, *, create: bool = True, also: dict | None = None, **key) -> None:
    """Count one change of the ChangeCounted row `model` found by `key` (in the caller's
    transaction), setting the fields in `also` with it; the row is made at its first change
    unless `create` is False (a change while the owner is being deleted must not make one)."""
    also = also or {}
    if model.objects.filter(**key).update(changes=F("changes") + 1, **also) or not create:
        return
    _row, created = model.objects.get_or_create(**key, defaults={"changes": 1, **also})
    if not created:  # made by another transaction in between
        model.objects.filter(**key).update(changes=F("changes") + 1, **also)

"""What two-factor sign-in keeps about a person, for "My data" (core.personal_data).

Which methods are on and when they were added and last used; never the secret, the keys'
public data or the recovery codes. Deleting the account deletes the authenticators with
it (allauth's foreign key cascades), so there is nothing to erase here.
"""

from allauth.mfa.models import Authenticator

from core.personal_data import ExportFiles, register


def two_factor_export(*, user, files: ExportFiles) -> dict:
    authenticators = Authenticator.objects.filter(user_id=user.pk).order_by("created_at", "pk")
    methods = [
        {"type": a.type, "added": a.created_at, "last_used": a.last_used_at} for a in authenticators
    ]
    return {
        "on": any(m["type"] != Authenticator.Type.RECOVERY_CODES for m in methods),
        "methods": methods,
    }


def register_sections() -> None:
    register("two_factor_sign_in", order=5, export=two_factor_export)

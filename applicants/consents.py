"""The declarations an applicant accepts when submitting; the exact text is kept with each version."""

from django.utils.translation import gettext as _

from applicants.enums import ApplicantKind
from grants.models import GrantCall

# The optional consent of a person applying alone to have their full name on the
# public results page (a group or an organisation is shown by its name anyway).
PUBLISH_NAME = "publish_name"


def submission_consents(call: GrantCall, *, applicant_kind: str = "") -> list[dict]:
    """The declarations shown before submitting to `call`: a key, a label, the full text,
    and whether it is required. A person applying alone (`applicant_kind` individual)
    is also asked, optionally, whether their name may be published with the results."""
    consents = [
        {
            "key": "privacy",
            "label": _("I have read the privacy notice (RODO information clause) above."),
            "text": call.full_privacy_notice,
            "required": True,
        },
        {
            "key": "truth",
            "label": _(
                "I declare that the information in this application is true and that I may submit it "
                "on behalf of the people or organisation named in it."
            ),
            "text": _(
                "I declare that the information in this application is true and that I may submit it "
                "on behalf of the people or organisation named in it."
            ),
            "required": True,
        },
    ]
    if applicant_kind == ApplicantKind.INDIVIDUAL:
        words = _(
            "If my project is funded, my full name may be published on the public list of "
            "funded projects. (Optional: without it, only my initials are shown.)"
        )
        consents.append({"key": PUBLISH_NAME, "label": words, "text": words, "required": False})
    return consents

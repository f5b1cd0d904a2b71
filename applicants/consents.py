"""The declarations an applicant accepts when submitting; the exact text is kept with each version."""

from django.utils.translation import gettext as _

from grants.models import GrantCall


def submission_consents(call: GrantCall) -> list[dict]:
    """The consents required to submit to `call`, each with a key, a label and its full text."""
    return [
        {
            "key": "privacy",
            "label": _("I have read the privacy notice (RODO information clause) above."),
            "text": call.full_privacy_notice,
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
        },
    ]

"""A programme profile for tests: a fictional foundation, its logo, saved as a coordinator would."""

import io

from PIL import Image

from core.logos import logo_checked
from core.models import ProgrammeProfile
from core.services import programme_profile_save

OPERATOR = {
    "site_name": "Granty Kwartału",
    "operator_name": "Fundacja Zielony Kwartał",
    "street": "ul. Kwartałowa 3",
    "postcode": "31-123",
    "town": "Kraków",
    "krs": "0000000000",
    "nip": "0001234562",
    "privacy_contact_name": "Jan Iodowski",
    "privacy_contact_email": "iod@zielonykwartal.example",
    "signatory_name": "Zofia Podpisowska",
    "signatory_role": "Prezeska zarządu",
    "letter_place": "Kraków-Podgórze",
    "email_sender_name": "Fundacja Zielony Kwartał",
    "reply_to": "granty@zielonykwartal.example",
    "website": "https://zielonykwartal.example/",
}

GOOD_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 120 40" width="120" height="40">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#2e7d46"/></linearGradient></defs>'
    "<style>.leaf { fill: url(#g); }</style>"
    "<title>Fundacja Zielony Kwartał</title>"
    '<path class="leaf" d="M20 4c-8 6-13 13-13 19a13 13 0 0 0 26 0c0-6-5-13-13-19z"/>'
    '<use xlink:href="#g"/>'
    '<text x="42" y="27" font-size="14">Kwartał</text></svg>'
).encode()


def png_bytes(width: int = 120, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (46, 125, 70)).save(buffer, format="PNG")
    return buffer.getvalue()


def programme_saved(*, by=None, logo: bool = True, **changes) -> ProgrammeProfile:
    """The fictional foundation's profile, saved through the service (with its SVG logo)."""
    return programme_profile_save(
        profile=ProgrammeProfile(**{**OPERATOR, **changes}),
        logo=logo_checked(name="logo.svg", data=GOOD_SVG) if logo else None,
        by=by,
    )

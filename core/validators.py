"""Checks of Polish identifiers shared by the apps: postcodes, NIP and KRS numbers."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.pl import nip as stdnum_nip

POSTCODE_PATTERN = re.compile(r"^\d{2}-\d{3}$")

validate_postcode = RegexValidator(
    POSTCODE_PATTERN, _("Enter the postcode as NN-NNN, e.g. 00-950."), code="postcode"
)
validate_krs = RegexValidator(r"^\d{10}$", _("The KRS number has exactly 10 digits."), code="krs")


def postcode_normalised(value: str) -> str:
    """`value` written as NN-NNN when it is five digits with or without the dash ("00950" → "00-950")."""
    value = (value or "").strip()
    digits = re.sub(r"[\s\-–]", "", value)
    if re.fullmatch(r"\d{5}", digits):
        return f"{digits[:2]}-{digits[2:]}"
    return value


def validate_nip(value: str) -> None:
    """A NIP of 10 digits (as stored) whose check digit is right."""
    try:
        stdnum_nip.validate(value)
    except NumberInvalid:
        raise ValidationError(
            _("This is not a valid NIP: check the ten digits."), code="nip"
        ) from None
    if stdnum_nip.compact(value) != value:
        raise ValidationError(_("Write the NIP as ten digits."), code="nip")


def nip_compact(value: str) -> str:
    """`value` without dashes, spaces and a "PL" prefix, as the NIP is stored."""
    return stdnum_nip.compact(value or "") if value else ""


def nip_formatted(value: str) -> str:
    """A stored NIP as it is written on letters: 000-123-45-62."""
    return stdnum_nip.format(value) if value else ""

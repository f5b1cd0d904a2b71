"""Path converters of the applicants' URLs."""

from applicants.sections import FORM_SECTIONS


class FormSectionConverter:
    """Only the form's own section slugs, so `<pk>/<section>/` cannot swallow `<pk>/submit/`."""

    regex = "|".join(sorted(FORM_SECTIONS))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value

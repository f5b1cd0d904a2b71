"""Checks over the templates themselves."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INCLUDE_ONLY = re.compile(r'{%\s*include\s+"([^"]+)"([^%]*)\bonly\s*%}')


def test_includes_with_only_pass_the_csrf_token_to_forms_that_need_it():
    """`only` hides csrf_token: a form included that way would be refused on submit (403)."""
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        for match in INCLUDE_ONLY.finditer(template.read_text()):
            included = TEMPLATES / match.group(1)
            if (
                included.exists()
                and "csrf_token" in included.read_text()
                and "csrf_token" not in match.group(2)
            ):
                missing.append(f"{template.relative_to(TEMPLATES)} -> {match.group(1)}")
    assert missing == []

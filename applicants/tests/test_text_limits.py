"""An application's texts keep their limits however they are saved, not only through the form."""

import pytest
from django.core.exceptions import ValidationError

from applicants.services import application_update
from applicants.tests.builders import complete_draft

pytestmark = pytest.mark.django_db


def test_application_update_refuses_a_summary_over_its_limit_and_keeps_the_old_one():
    application = complete_draft(texts={"summary": "Sadzimy łąkę."})
    with pytest.raises(ValidationError) as refused:
        application_update(application=application, fields={"summary": "ł" * 1001})
    assert refused.value.message_dict["summary"] == [
        "Upewnij się, że ta wartość ma co najwyżej 1000 znaków (obecnie ma 1001)."
    ]
    application.refresh_from_db()
    assert application.summary == "Sadzimy łąkę."


def test_application_update_takes_a_summary_at_its_limit():
    application = complete_draft()
    application = application_update(application=application, fields={"summary": "ł" * 1000})
    assert len(application.summary) == 1000

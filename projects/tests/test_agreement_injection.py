"""What grantees and coordinators type ends up in the agreement PDF as text, never as markup:
a grantee's name, a project title, a signatory's name and the call's obligations with HTML in
them, and an agreement text with raw HTML and a link to a local file."""

import pytest

from accounts.tests.factories import CoordinatorFactory
from grants.models import GrantCall
from projects.agreement_issuing import agreement_issue_now
from projects.agreement_templates import agreement_template_save
from projects.models import Grant, Signatory
from projects.tests.test_agreements import operator, ready_grant, stored_text

pytestmark = pytest.mark.django_db

HOSTILE = '<b>Zła</b><img src="file:///etc/passwd"><script>alert(1)</script>'


def test_agreement_pdf_shows_typed_html_as_text(settings):
    operator()
    grant = ready_grant()
    Grant.objects.filter(pk=grant.pk).update(
        grantee_name="Grupa " + HOSTILE, title="Ogród " + HOSTILE
    )
    Signatory.objects.filter(grant=grant).update(full_name="Jan " + HOSTILE)
    grant.refresh_from_db()

    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())

    text = stored_text(agreement)
    assert "Grupa <b>Zła</b><img" in text
    assert "Ogród <b>Zła</b>" in text
    assert "<script>alert(1)</script>" in text
    assert "root:x:0:0" not in text


def test_agreement_text_with_raw_html_and_a_local_file_link_renders_without_them():
    operator()
    grant = ready_grant()
    coordinator = CoordinatorFactory()
    body = (
        "# Umowa {{ reference_number }}\n\n"
        '<script>alert(1)</script> <iframe src="file:///etc/passwd"></iframe>\n\n'
        "![x](file:///etc/passwd) [link](javascript:alert(1))\n\n"
        "Stronami są {{ grantee_name }} i operator.\n"
    )
    agreement_template_save(
        call=GrantCall.objects.get(pk=grant.call_id), language="pl", body=body, by=coordinator
    )

    agreement = agreement_issue_now(grant=grant, by=coordinator)

    text = stored_text(agreement)
    assert "root:x:0:0" not in text
    assert "Stronami są" in text

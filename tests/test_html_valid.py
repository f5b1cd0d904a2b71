"""Every page each kind of person reaches is valid HTML (the Nu Html Checker finds no error).

A programme with a call in each stage is built through the services; then an anonymous
visitor, an applicant, a reviewer and a coordinator each start from their own pages and
follow the links they see (at most PAGES_PER_VIEW pages of one view and section, so a list
of many applications costs no more than one with two). Every HTML page they get is checked in one
run of the checker. The browser tests check the pages they visit the same way
(tests/e2e/conftest.py); this one also reaches pages no browser test walks through.

It needs Java and node_modules/vnu-jar (scripts/run_tests.sh installs both); without
them it is skipped, except under MIKROGRANTY_REQUIRE_ALL_SUITES=1 (CI), where it fails.
"""

import os
import re
from collections import Counter, deque
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.tests.builders import complete_draft, submitted_application
from decisions.enums import DecisionOutcome
from decisions.models import Decision
from decisions.services import award_accept, decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf
from grants.services import call_close
from projects.models import Grant, GrantBudgetLine
from projects.spending import DocumentPart, document_add
from projects.tests.progress_rows import grant_at
from reviews.models import ReviewAssignment
from reviews.services import assignment_declare
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)
from tests.html_checker import check_documents, checker_missing, report

PAGES_PER_VIEW = 2
CONTROL = "(the control page, with one error on line 4)"
CONTROL_PAGE = b"""<!DOCTYPE html>
<html lang="pl"><head><meta charset="utf-8"><title>Kontrola</title></head>
<body><h1>Kontrola</h1>
<h3>Pominiety poziom</h3>
</body></html>"""
NOT_PAGES = ("/static/", "/media/", "/admin/", "/i18n/", "/jsi18n/")
FILE_SUFFIXES = (".pdf", ".zip", ".csv", ".json", ".txt", ".ico", ".svg", ".png")
# Queued work waits (no PDF copies rendered while the programme is built) …
TASKS_WAIT = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# … except the letters of the published results, issued at once with a stand-in PDF.
TASKS_AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The pages each person must have reached (so a broken link or a renamed page can't
# quietly shrink what is checked).
MUST_REACH = {
    "anonymous": {"home", "grants:call_detail", "account_login", "account_signup"},
    "applicant": {
        "applicants:my_applications",
        "applicants:application_detail",
        "applicants:section",
        "applicants:attachments",
        "applicants:submit",
        "decisions_applicant:decision",
        "privacy:overview",
        "projects:grant",
        "projects:bank_account",
        "projects:signatories",
        "projects:budget",
        "projects:sign",
        "projects:document_add",
        "projects:document_edit",
        "projects:document_remove",
    },
    "reviewer": {"reviews:dashboard", "reviews:assignment"},
    "coordinator": {
        "manage:home",
        "manage:call_edit",
        "applicants_manage:list",
        "applicants_manage:detail",
        "review_manage:pool",
        "review_manage:assignments",
        "review_manage:ranking",
        "decisions:call",
        "decisions:detail",
        "decisions:letter_templates",
        "decisions:outbox",
        "projects_manage:grants",
        "projects_manage:grant",
        "projects_manage:terms",
        "projects_manage:payments",
        "projects_manage:finance",
    },
}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def links(html: bytes) -> list[str]:
    parser = Links()
    parser.feed(html.decode())
    return parser.hrefs


def crawl(client, starts: list[str]) -> tuple[dict[str, bytes], set[str]]:
    """The HTML pages reached from `starts` by following links, and the views they came from."""
    pages: dict[str, bytes] = {}
    per_view: Counter = Counter()
    queue = deque(starts)
    queued = set(starts)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        targets = [response["Location"]] if response.status_code in (301, 302) else []
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[url] = response.content
            targets = links(response.content)
        for href in targets:
            target = urlsplit(urljoin(url, href))
            path = target.path + (f"?{target.query}" if target.query else "")
            if (
                target.scheme not in ("", "http")
                or target.netloc not in ("", "testserver")
                or path in queued
                or target.path.startswith(NOT_PAGES)
                or target.path.endswith(FILE_SUFFIXES)
            ):
                continue
            try:
                match = resolve(target.path)
            except Resolver404:
                continue
            # Each section, part or letter of a view counts as a page of its own; ids don't.
            view = (
                match.view_name,
                *sorted(str(v) for v in match.kwargs.values() if not isinstance(v, int)),
            )
            if per_view[view] >= PAGES_PER_VIEW:
                continue
            per_view[view] += 1
            queued.add(path)
            queue.append(path)
    reached = {resolve(urlsplit(url).path).view_name for url in pages}
    return pages, reached


def programme_in_every_stage(settings, monkeypatch, on_commit):
    """A call taking applications, one in review and one whose results are out; who uses them."""
    settings.TASKS = TASKS_WAIT
    coordinator = CoordinatorFactory()
    applicant = UserFactory(full_name="Zofia Zielińska")

    # Taking applications: the applicant's draft, every section filled in.
    draft = complete_draft(call=call_with_criteria(title="Deszczówka na osiedlu"), user=applicant)

    # In review: the reviewer has scored one application, declared impartiality on another
    # and not yet on the third; one more waits for its formal check.
    in_review = call_with_criteria(title="Zielone podwórka")
    mine = accepted_application(in_review, user=applicant, texts={"title": "Łąka kwietna"})
    declared = accepted_application(in_review, texts={"title": "Cień na przystanku"})
    accepted_application(in_review, texts={"title": "Poidełko dla ptaków"})
    waiting = submitted_application(call=in_review, texts={"title": "Zielony dach"})
    reviewers_in_pool(in_review, 2)
    assign_all(in_review)
    reviewer = ReviewAssignment.objects.filter(application=mine).first().reviewer
    submit_review(
        ReviewAssignment.objects.get(application=mine, reviewer=reviewer),
        {"Pomysł": 8, "Budżet": 4},
    )
    assignment_declare(
        assignment=ReviewAssignment.objects.get(application=declared, reviewer=reviewer),
        impartial=True,
        by=reviewer,
    )

    # Decided: every application reviewed, the applicant's awarded, the other's rejected.
    decided = call_with_criteria(title="Rowerowa szkoła", total_budget=Decimal("6000"))
    awarded = accepted_application(decided, user=applicant, texts={"title": "Rowerownia"})
    rejected = accepted_application(decided, texts={"title": "Mapa tras"})
    reviewers_in_pool(decided, 2)
    assign_all(decided)
    for assignment in ReviewAssignment.objects.filter(call=decided):
        submit_review(assignment, {"Pomysł": 9, "Budżet": 4})
    call_close(call=decided, by=coordinator)
    decided.refresh_from_db()
    decided.closes_at = timezone.now() - timedelta(minutes=1)
    decided.save(update_fields=["closes_at"])
    decision_record(
        application=awarded,
        outcome=DecisionOutcome.AWARDED,
        amount=awarded.requested_amount,
        by=coordinator,
    )
    decision_record(
        application=rejected,
        outcome=DecisionOutcome.REJECTED,
        justification="Za mało punktów.",
        by=coordinator,
    )
    settings.TASKS = TASKS_AT_ONCE
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)
    with on_commit(execute=True):
        results_publish(call=decided, by=coordinator, public_results=True)
    assert Decision.objects.filter(call=decided, letters__isnull=False).exists()

    # After the award: the applicant accepted hers (its grant waits for the agreement), and
    # holds grants further on (a reduced award to adjust, one out for signature, one signed
    # with its advance due), each in a call of its own.
    award_accept(decision=Decision.objects.get(application=awarded), by=applicant)
    grant_at("new", application__applicant=applicant)
    grant_at("sent", application__applicant=applicant, signatory_user=applicant)
    grant_at("payment_due", application__applicant=applicant)
    # One under way, with a receipt recorded (its spending panel and document pages).
    active = grant_at("active", application__applicant=applicant)
    line = GrantBudgetLine.objects.create(
        grant=active, category="materials", item="Ziemia", unit="worek", quantity=2, unit_cost=50
    )
    document_add(
        grant=active,
        by=applicant,
        upload=SimpleUploadedFile("faktura.pdf", b"%PDF-1.7\n%%EOF\n"),
        values={
            "kind": "invoice",
            "number": "FV/1",
            "issued_on": timezone.localdate(),
            "amount": Decimal("40.00"),
            "issuer_name": "Sklep",
            "issuer_nip": "",
            "paid_on": None,
            "description": "Ziemia",
        },
        parts=[DocumentPart(line, Decimal("40.00"), Decimal("0"))],
    )
    people = {"applicant": applicant, "reviewer": reviewer, "coordinator": coordinator}
    return people, draft, waiting


IDREF_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


def dangling_idrefs(html: bytes) -> set[str]:
    """The ids that an aria attribute of the page refers to and no element of it has."""
    text = html.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    referred = {
        ref
        for attribute in IDREF_ATTRIBUTES
        for refs in re.findall(rf'\s{attribute}="([^"]*)"', text)
        for ref in refs.split()
    }
    return referred - ids


def test_dangling_idrefs_finds_a_description_the_page_does_not_print():
    page = b'<p id="rules">x</p><input aria-describedby="id_a_helptext rules"><b aria-labelledby="rules">'
    assert dangling_idrefs(page) == {"id_a_helptext"}


@pytest.mark.django_db
def test_pages_of_every_role_have_no_html_errors(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    if missing := checker_missing():
        message = f"The Nu Html Checker can't run: {missing} is missing."
        if os.environ.get("MIKROGRANTY_REQUIRE_ALL_SUITES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    people, draft, waiting = programme_in_every_stage(
        settings, monkeypatch, django_capture_on_commit_callbacks
    )
    starts = {
        "anonymous": [
            reverse("home"),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
        ],
        "applicant": [
            reverse("applicants:my_applications"),
            draft.get_absolute_url(),  # its sections, attachments and submit page
            reverse("privacy:overview"),
            # Each of her grants (its budget, account, signatories and signing pages).
            *(
                reverse("projects:grant", args=[pk])
                for pk in Grant.objects.filter(application__applicant=people["applicant"])
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
        ],
        # The reviewer's scored, declared and undeclared assignments.
        "reviewer": [
            reverse("reviews:dashboard"),
            *(
                reverse("reviews:assignment", args=[a.pk])
                for a in ReviewAssignment.objects.filter(reviewer=people["reviewer"])
            ),
        ],
        "coordinator": [
            reverse("manage:home"),
            reverse("applicants_manage:detail", args=[waiting.pk]),  # its formal check form
            # The committee's page of the call in review: a form on each ranked row.
            reverse("decisions:call", args=[waiting.call_id]),
            # The grants of each call holding one (their pages, terms, payments, finance).
            *(
                reverse("projects_manage:grants", args=[call_id])
                for call_id in Grant.objects.values_list("call_id", flat=True).distinct()
            ),
        ],
    }
    documents: dict[str, bytes] = {}
    unreached = {}
    for role, urls in starts.items():
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        pages, reached = crawl(client, urls)
        documents |= {f"{url} (as the {role})": html for url, html in pages.items()}
        if MUST_REACH[role] - reached:
            unreached[role] = sorted(MUST_REACH[role] - reached)
    assert unreached == {}

    # Every id an attribute refers to is on the page (the checker doesn't follow aria idrefs):
    # a field described by a help text its page never prints says nothing to a screen reader.
    dangling = {
        url: missing for url, html in documents.items() if (missing := dangling_idrefs(html))
    }
    assert dangling == {}

    # A page with one known error goes along: a checker that finds nothing fails the test.
    errors = check_documents({**documents, CONTROL: CONTROL_PAGE})

    assert [e.line for e in errors if e.url == CONTROL] == [4]
    errors = [e for e in errors if e.url != CONTROL]
    assert not errors, report(errors) + f"\n\n({len(documents)} pages checked)"

"""`make bench`: how fast the pages committees and applicants use are, and how fast letters render.

Builds a synthetic programme in its own database (never the development one),
serves it with gunicorn (2 workers, DEBUG off, the production settings) on
127.0.0.1, and measures with logged-in HTTP clients. Prints one line per
figure, `BENCH <name> <value> <unit>`, and writes the same to var/bench.json.
It never fails on a timing: the targets are for people to read.

    python scripts/bench.py [--size 2000] [--reviewers 10] [--letters 200] [--agreements 200]
                            [--settlements 200] [--requests 30]

The synthetic data is written with bulk_create (fast, and it is read-path
data); the letters go through the real bulk path: publishing queues one task
per decision and two `db_worker` processes render them. So do the agreements:
the grants list's bulk "Send agreements" (its service) queues one request per
ready grant and the same two workers render, store and send them. A fifth of the grants is
settled (bulk rows: documents, an accepted final report, a settlement without its PDF) for
the call's finance summary; their settlement PDFs are then rendered by the same workers.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
# os.times() fields that add up the CPU time of this process (and its reaped children).
CPU_FIELDS = ("user", "system", "children_user", "children_system")
PASSWORD = "bench-password-2026"  # noqa: S105 -- synthetic accounts in a throwaway database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", "2000")))
    parser.add_argument(
        "--reviewers",
        type=int,
        default=None,
        help="reviewers in the pool (default: 10, or more so that none has over 400 reviews)",
    )
    parser.add_argument("--reviews-per-application", type=int, default=2)
    parser.add_argument("--letters", type=int, default=int(os.environ.get("LETTERS", "200")))
    parser.add_argument(
        "--grants", type=int, default=None, help="grants in a decided call (default: --size)"
    )
    parser.add_argument(
        "--agreements",
        type=int,
        default=int(os.environ.get("AGREEMENTS", "200")),
        help="agreements sent in bulk (at most the fifth of --grants waiting for one)",
    )
    parser.add_argument(
        "--settlements",
        type=int,
        default=int(os.environ.get("SETTLEMENTS", "200")),
        help="settlement PDFs rendered in bulk (at most the fifth of --grants)",
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=30,
        help="stop measuring a page after this long (at least 5 requests)",
    )
    parser.add_argument(
        "--skip-pages",
        default="",
        help="pages not to measure, by figure name, comma-separated (e.g. committee_decisions)",
    )
    parser.add_argument(
        "--only-pages",
        default="",
        help="measure only these pages, by figure name, comma-separated (e.g. ranking,home)",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure the pages only: no letters, agreements or settlement PDFs (they do not "
        "depend on the size)",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.grants is None:
        args.grants = args.size
    if args.reviewers is None:
        # A heavy but human load: 400 reviews each at most (10 reviewers at 2,000 applications).
        args.reviewers = max(10, -(-args.size * args.reviews_per_application // 400))
    args.skip_pages = {name.strip() for name in args.skip_pages.split(",") if name.strip()}
    args.only_pages = {name.strip() for name in args.only_pages.split(",") if name.strip()}
    if args.pages_only:
        args.letters = args.agreements = args.settlements = 0
    return args


def bench_environment(var_dir: Path, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            # Its own key: with DEBUG off the settings refuse the development one.
            "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            # Its coordinators log in with a password (no authenticator app in a benchmark).
            "MIKROGRANTY_REQUIRE_STAFF_2FA": "0",
            "MIKROGRANTY_VAR_DIR": str(var_dir),
            "DJANGO_EMAIL": "file",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    env["MIKROGRANTY_BENCH_PORT"] = str(port)
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


BATCH = 2000  # rows per INSERT in the build: bounded statements on both databases


@contextmanager
def batched_inserts():
    """bulk_create in batches of BATCH rows (PostgreSQL would send one statement of any size)."""
    from django.db import connection

    default = connection.ops.bulk_batch_size

    def bulk_batch_size(fields, objs):
        return min(BATCH, default(fields, objs))

    with mock.patch.object(connection.ops, "bulk_batch_size", bulk_batch_size):
        yield


def insert_rows(model, field_names: list[str], rows) -> int:
    """INSERT plain rows (tuples in `field_names` order) with executemany in batches, without
    making a model instance per row: for the build's largest tables (status history, review
    scores), where bulk_create's per-row work was most of the build. Values that are not
    plain (datetimes, dicts, decimals) go through their field's own preparation."""
    from django.db import connection, transaction

    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 -- our own table and column names
    plain = (int, str, bool, type(None))
    prepared_cache: dict = {}

    def prepare(field, value):
        if isinstance(value, plain):
            return value
        key = (field.name, repr(value))
        if key not in prepared_cache:
            prepared_cache[key] = field.get_db_prep_save(value, connection)
        return prepared_cache[key]

    count = 0
    batch = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(prepare(f, v) for f, v in zip(fields, row, strict=True)))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_status_history(applications, moves: list[tuple[str, str]], *, at) -> int:
    """Each application's status history: the `moves` (old, new), all at `at`."""
    from applicants.models import StatusChange

    return insert_rows(
        StatusChange,
        ["application", "old_status", "new_status", "at", "note", "note_code", "note_params"],
        (
            (application.pk, str(old), str(new), at, "", "", {})
            for application in applications
            for old, new in moves
        ),
    )


def ranking_ready(call_id: int) -> None:
    """THE place where the build's bulk-written reviews are made visible to the ranking.

    The reviews are bulk rows, written without reviews.services (which keep the ranking's
    snapshot current): rebuild the call's snapshot once here, as its task would after the
    last review, and give PostgreSQL fresh statistics after the bulk load."""
    from django.db import connection

    from reviews.ranking_snapshot import ranking_rebuild

    ranking_rebuild(call_id=call_id, force=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics after a bulk load, as autovacuum would give them.
            cursor.execute("ANALYZE")


def bench_call(
    *,
    title: str,
    slug: str,
    reference_code: str,
    description: str,
    total_budget,
    opened_days_ago: int,
    closed_days_ago: int,
    status: str,
    created_by,
    **fields,
):
    """A synthetic call of the benchmark's programme; what every one shares is filled in."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from grants.models import GrantCall

    now = timezone.now()
    return GrantCall.objects.create(
        programme="Aktywni dla klimatu",
        title=title,
        slug=slug,
        reference_code=reference_code,
        description=description,
        eligibility="Każdy.",
        min_amount=Decimal("1000"),
        max_amount=Decimal("5000"),
        total_budget=total_budget,
        opens_at=now - timedelta(days=opened_days_ago),
        closes_at=now - timedelta(days=closed_days_ago),
        status=status,
        created_by=created_by,
        **fields,
    )


def build_programme(size: int, reviewers: int, per_application: int) -> dict:
    """A call with `size` applications accepted for review from `size` applicants, scored by `reviewers`."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.enums import COORDINATORS_GROUP
    from accounts.models import User
    from applicants.enums import ApplicantKind, ApplicationStatus
    from applicants.models import ApplicantProfile, Application, ApplicationVersion
    from grants.enums import CallStatus
    from grants.models import Criterion
    from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
    from reviews.models import PoolMember, Review, ReviewAssignment, ReviewScore

    rng = random.Random(2026)  # noqa: S311 -- synthetic data, not a secret
    now = timezone.now()
    password = make_password(PASSWORD, salt="benchsalt")
    coordinator = User.objects.create(
        email="bench.koordynator@example.org", full_name="Koordynatorka", password=password
    )
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    call = bench_call(
        title="Nabór testowy (benchmark)",
        slug="benchmark",
        reference_code="BN",
        description="Syntetyczny nabór do pomiarów.",
        total_budget=Decimal(size) * Decimal("1500"),
        opened_days_ago=60,
        closed_days_ago=10,
        status=CallStatus.CLOSED,
        reviewers_per_application=per_application,
        created_by=coordinator,
    )
    criteria = [
        Criterion.objects.create(
            call=call, name=name, max_points=10, weight=Decimal(weight), position=i
        )
        for i, (name, weight) in enumerate(
            [
                ("Diagnoza", "1.5"),
                ("Działania", "1"),
                ("Społeczność", "1.5"),
                ("Budżet", "1"),
                ("Trwałość", "1"),
            ]
        )
    ]
    applicants = User.objects.bulk_create(
        User(
            email=f"bench.wnioskodawca{i:05d}@example.org",
            full_name=f"Wnioskodawca {i}",
            password=password,
        )
        for i in range(size)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in applicants
    )
    ApplicantProfile.objects.bulk_create(
        ApplicantProfile(user=user, kind="individual", contact_name=user.full_name, city="Lublin")
        for user in applicants
    )
    review_users = User.objects.bulk_create(
        User(
            email=f"bench.recenzent{i:02d}@example.org",
            full_name=f"Recenzent {i}",
            password=password,
        )
        for i in range(reviewers)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in [*review_users, coordinator]
    )
    PoolMember.objects.bulk_create(PoolMember(call=call, reviewer=user) for user in review_users)
    text = "Zbudujemy ogród deszczowy i nauczymy sąsiadów, jak zatrzymywać wodę. " * 8
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=user,
            status=ApplicationStatus.IN_REVIEW,
            reference_number=f"BN/2026/{i + 1:04d}",
            number_in_call=i + 1,
            title=f"Projekt klimatyczny nr {i + 1}",
            summary=text[:900],
            problem=text,
            goals=text[:1500],
            target_group=text[:500],
            activities=text,
            expected_results=text[:1500],
            results_measurement=text[:800],
            team_description=text[:900],
            total_cost=Decimal(rng.randrange(1500, 5500)),
            own_contribution=Decimal("0"),
            requested_amount=Decimal(rng.randrange(1000, 5000)),
            applicant_kind=ApplicantKind.INDIVIDUAL,
            applicant_name=user.full_name,
            first_submitted_at=now - timedelta(days=20),
            last_submitted_at=now - timedelta(days=20),
        )
        for i, user in enumerate(applicants)
    )
    content_template = {
        field: text[:500] for field in ("summary", "problem", "goals", "target_group", "activities")
    }
    ApplicationVersion.objects.bulk_create(
        ApplicationVersion(
            application=application,
            number=1,
            submitted_at=now - timedelta(days=20),
            submitted_by_id=application.applicant_id,
            content={
                **content_template,
                "title": application.title,
                "reference_number": application.reference_number,
                "applicant": {
                    "kind": "individual",
                    "display_name": application.applicant_name,
                    "city": "Lublin",
                    "members": [],
                    "contact_name": application.applicant_name,
                    "email": "",
                },
                "expected_results": "",
                "results_measurement": "",
                "team_description": "",
                "schedule": [],
                "answers": [],
                "attachments": [],
                "budget": {
                    "lines": [],
                    "total_cost": str(application.total_cost),
                    "own_contribution": "0.00",
                    "requested_amount": str(application.requested_amount),
                    "own_share_percent": "0.00",
                },
            },
            confirmation_sent_at=now,
        )
        for application in applications
    )
    insert_status_history(
        applications,
        [
            ("", ApplicationStatus.DRAFT),
            (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
            (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED_FOR_REVIEW),
            (ApplicationStatus.ACCEPTED_FOR_REVIEW, ApplicationStatus.IN_REVIEW),
        ],
        at=now - timedelta(days=20),
    )
    leniency = {user.pk: rng.uniform(-1.5, 1.5) for user in review_users}
    assignments = []
    for index, application in enumerate(applications):
        for k in range(per_application):
            reviewer = review_users[(index * per_application + k) % reviewers]
            assignments.append(
                ReviewAssignment(
                    application=application,
                    call=call,
                    reviewer=reviewer,
                    status=AssignmentStatus.DECLARED,
                    due_at=now + timedelta(days=5),
                    declared_at=now - timedelta(days=5),
                    declaration_text=call.impartiality_declaration,
                )
            )
    assignments = ReviewAssignment.objects.bulk_create(assignments)
    reviews, scores = [], []
    from reviews.scoring import weighted_total

    for assignment in assignments:
        quality = rng.uniform(3, 9) + leniency[assignment.reviewer_id]
        points = [max(0, min(10, round(quality + rng.uniform(-1.5, 1.5)))) for _ in criteria]
        total = weighted_total(
            (p, c.max_points, c.weight) for p, c in zip(points, criteria, strict=True)
        )
        reviews.append(
            Review(
                assignment=assignment,
                status=ReviewStatus.SUBMITTED,
                total=total,
                submitted_at=now,
                recommendation=Recommendation.FUND,
                comment_for_applicant="Ciekawy projekt.",
            )
        )
        scores.append(points)
    reviews = Review.objects.bulk_create(reviews)
    insert_rows(
        ReviewScore,
        ["review", "criterion", "points", "justification"],
        (
            (review.pk, criterion.pk, p, "Uzasadnienie oceny.")
            for review, points in zip(reviews, scores, strict=True)
            for criterion, p in zip(criteria, points, strict=True)
        ),
    )
    conversations = build_conversations(applications[::10], coordinator)
    ranking_ready(call.pk)
    return {
        "call_id": call.pk,
        "conversations": conversations,
        "reviewer_assignment_id": assignments[0].pk,
        "coordinator": coordinator.email,
        "reviewer": review_users[0].email,
        "applicant": applicants[size // 2].email,
        "application_id": applications[size // 2].pk,
    }


def build_grants(size: int, coordinator_email: str) -> dict:
    """A decided call with `size` accepted awards made grants, in every state of the agreement
    and payments (rows bulk-made, as the pages read them), for the grants' pages."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from applicants.enums import ApplicantKind, ApplicationStatus
    from applicants.models import Application, ApplicationVersion
    from decisions.enums import DecisionOutcome, DecisionState, LetterKind, LetterState
    from decisions.models import Decision, DecisionLetter
    from grants.enums import CallStatus
    from projects.enums import (
        AgreementState,
        BankAccountState,
        GrantState,
        PaymentCondition,
        PaymentState,
        SignatoryRole,
    )
    from projects.instalments import instalment_plan
    from projects.models import (
        Agreement,
        BankAccount,
        Grant,
        GrantBudgetLine,
        Payment,
        Signatory,
    )

    now = timezone.now()
    coordinator = User.objects.get(email=coordinator_email)
    call = bench_call(
        title="Nabór rozstrzygnięty (benchmark)",
        slug="benchmark-granty",
        reference_code="BG",
        description="Syntetyczny nabór do pomiarów grantów.",
        total_budget=Decimal(size) * Decimal("5000"),
        opened_days_ago=120,
        closed_days_ago=90,
        status=CallStatus.DECIDED,
        created_by=coordinator,
    )
    users = list(User.objects.filter(email__startswith="bench.wnioskodawca").order_by("pk")[:size])
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=user,
            status=ApplicationStatus.AWARDED,
            reference_number=f"BG/2026/{i + 1:04d}",
            number_in_call=i + 1,
            title=f"Projekt finansowany nr {i + 1}",
            total_cost=Decimal("4000"),
            own_contribution=Decimal("500"),
            requested_amount=Decimal("3500"),
            applicant_kind=ApplicantKind.INDIVIDUAL,
            applicant_name=user.full_name,
            first_submitted_at=now - timedelta(days=100),
            last_submitted_at=now - timedelta(days=100),
        )
        for i, user in enumerate(users)
    )
    lines = [
        ("materials", "Sadzonki", "szt.", "50.00", "30.00", "0.00"),
        ("services", "Warsztaty", "godz.", "10.00", "200.00", "500.00"),
        ("promotion", "Plakaty", "szt.", "100.00", "5.00", "0.00"),
    ]
    ApplicationVersion.objects.bulk_create(
        ApplicationVersion(
            application=application,
            number=1,
            submitted_at=now - timedelta(days=100),
            submitted_by_id=application.applicant_id,
            content={
                "title": application.title,
                "reference_number": application.reference_number,
                "applicant": {"kind": "individual", "display_name": application.applicant_name},
                "schedule": [
                    {"starts_on": "2027-04-01", "ends_on": "2027-06-30", "activity": "Projekt"}
                ],
                "budget": {"lines": []},
            },
        )
        for application in applications
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            application=application,
            call=call,
            outcome=DecisionOutcome.AWARDED,
            amount=Decimal("3500"),
            decided_by=coordinator,
            state=DecisionState.ACCEPTED,
            published_at=now - timedelta(days=60),
            published_by=coordinator,
            accepted_at=now - timedelta(days=55),
            letter_state=LetterState.ISSUED,
        )
        for application in applications
    )
    # Each decision's award letter (rows only: the pages list them, nobody opens the file).
    DecisionLetter.objects.bulk_create(
        DecisionLetter(
            decision=decision,
            number=f"{decision.application.reference_number}/D1",
            language="pl",
            kind=LetterKind.AWARD,
            pdf=f"letters/{call.pk}/{decision.application.reference_number.replace('/', '-')}.pdf",
            sha256="0" * 64,
            size=1,
            issued_at=now - timedelta(days=60),
            issued_by=coordinator,
        )
        for decision in decisions
    )
    # A fifth of the grants waits for its agreement, a fifth for signatures, a fifth is
    # signed, two fifths are under way with their advance paid.
    states = [
        GrantState.AGREEMENT_TO_PREPARE,
        GrantState.AGREEMENT_SENT,
        GrantState.SIGNED,
        GrantState.ACTIVE,
        GrantState.ACTIVE,
    ]
    grants = Grant.objects.bulk_create(
        Grant(
            decision=decision,
            application=application,
            call=call,
            state=states[i % len(states)],
            reference_number=application.reference_number,
            title=application.title,
            grantee_kind=application.applicant_kind,
            grantee_name=application.applicant_name,
            search_text=f"{application.reference_number.lower()} {application.title.lower()}",
            amount=decision.amount,
            starts_on=date(2027, 4, 1),
            ends_on=date(2027, 6, 30),
            signing_deadline=now + timedelta(days=10),
        )
        for i, (application, decision) in enumerate(zip(applications, decisions, strict=True))
    )
    GrantBudgetLine.objects.bulk_create(
        GrantBudgetLine(
            grant=grant,
            category=category,
            item=item,
            unit=unit,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
            own_contribution=Decimal(own),
            position=position,
        )
        for grant in grants
        for position, (category, item, unit, quantity, cost, own) in enumerate(lines)
    )
    Signatory.objects.bulk_create(
        Signatory(
            grant=grant,
            role=SignatoryRole.APPLICANT,
            full_name=grant.grantee_name,
            email=user.email,
            user=user,
            is_adult_confirmed=True,
        )
        for grant, user in zip(grants, users, strict=True)
    )
    BankAccount.objects.bulk_create(
        BankAccount(
            grant=grant,
            iban=f"PL61109010140000071219{i:06d}"[:28],
            holder_name=grant.grantee_name,
            owner="grantee",
            state=BankAccountState.IN_USE,
            entered_by=user,
        )
        for i, (grant, user) in enumerate(zip(grants, users, strict=True))
    )
    sent = [g for g in grants if g.state != GrantState.AGREEMENT_TO_PREPARE]
    Agreement.objects.bulk_create(
        Agreement(
            grant=grant,
            version=1,
            number=f"{grant.reference_number}/U1",
            language="pl",
            state=(
                AgreementState.SENT
                if grant.state == GrantState.AGREEMENT_SENT
                else AgreementState.SIGNED
            ),
            pdf=f"agreements/{call.pk}/{grant.reference_number.replace('/', '-')}-U1.pdf",
            sha256="0" * 64,
            size=1,
            issued_by=coordinator,
        )
        for grant in sent
    )
    payments = []
    for grant in grants:
        if grant.state not in (GrantState.SIGNED, GrantState.ACTIVE):
            continue
        for number, (amount, condition) in enumerate(
            instalment_plan(grant.amount, Decimal("80")), start=1
        ):
            first = condition == PaymentCondition.AGREEMENT_SIGNED
            paid = first and grant.state == GrantState.ACTIVE
            payments.append(
                Payment(
                    grant=grant,
                    number=number,
                    amount=amount,
                    condition=condition,
                    state=(
                        PaymentState.PAID
                        if paid
                        else PaymentState.DUE
                        if first
                        else PaymentState.PLANNED
                    ),
                    paid_on=(now - timedelta(days=5)).date() if paid else None,
                )
            )
    Payment.objects.bulk_create(payments)
    middle = grants[len(grants) // 2 + 3]  # an active one
    # Another grant under way, with 200 financial documents split over its lines.
    spending_index = next(
        i for i in range(len(grants) // 2 + 4, len(grants)) if grants[i].state == GrantState.ACTIVE
    )
    build_documents(grants[spending_index], 200)
    ranking_ready(call.pk)  # the decided call's ranking, as above
    return {
        "grants_call_id": call.pk,
        "grant_id": middle.pk,
        "grantee": users[len(grants) // 2 + 3].email,
        "spending_grant_id": grants[spending_index].pk,
        "spending_grantee": users[spending_index].email,
        "grantee_application_id": applications[len(grants) // 2 + 3].pk,
    }


def build_conversations(applications, coordinator) -> int:
    """A conversation with two messages (the team asks, the programme answers) for each of
    `applications`; every other one waits for the programme's answer. Bulk rows."""
    from datetime import timedelta

    from django.utils import timezone

    from conversations.models import Conversation, Message

    now = timezone.now()
    conversations = Conversation.objects.bulk_create(
        Conversation(
            application=application,
            started_at=now - timedelta(days=15),
            last_message_at=now - timedelta(hours=i % 300),
            awaits_programme=bool(i % 2),
        )
        for i, application in enumerate(applications)
    )
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            author_id=author_id,
            from_programme=from_programme,
            body=body,
            sent_at=conversation.last_message_at - timedelta(hours=hours),
        )
        for conversation, application in zip(conversations, applications, strict=True)
        for author_id, from_programme, body, hours in [
            (application.applicant_id, False, "Czy możemy przesunąć warsztaty na maj?", 2),
            (coordinator.pk, True, "Tak, proszę to opisać w harmonogramie.", 0),
        ]
    )
    return len(conversations)


def build_formal_check(count: int, coordinator_email: str) -> dict:
    """A second call after its deadline: `count` applications submitted and waiting for the
    formal check (the coordinators' list filtered to them), from the programme's applicants."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from applicants.enums import ApplicantKind, ApplicationStatus
    from applicants.models import Application, ApplicationVersion
    from grants.enums import CallStatus

    now = timezone.now()
    coordinator = User.objects.get(email=coordinator_email)
    call = bench_call(
        title="Nabór po terminie (benchmark)",
        slug="benchmark-ocena-formalna",
        reference_code="BF",
        description="Syntetyczny nabór w ocenie formalnej.",
        total_budget=Decimal(count) * Decimal("1500"),
        opened_days_ago=40,
        closed_days_ago=2,
        status=CallStatus.CLOSED,
        created_by=coordinator,
    )
    users = User.objects.filter(email__startswith="bench.wnioskodawca").order_by("-pk")[:count]
    text = "Posadzimy łąkę kwietną przy szkole i opiszemy, co na niej żyje. " * 6
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=user,
            status=ApplicationStatus.SUBMITTED,
            reference_number=f"BF/2026/{i + 1:04d}",
            number_in_call=i + 1,
            title=f"Projekt do oceny formalnej nr {i + 1}",
            summary=text[:900],
            problem=text,
            total_cost=Decimal("3000"),
            own_contribution=Decimal("0"),
            requested_amount=Decimal("3000"),
            applicant_kind=ApplicantKind.INDIVIDUAL,
            applicant_name=user.full_name,
            first_submitted_at=now - timedelta(days=3),
            last_submitted_at=now - timedelta(days=3),
        )
        for i, user in enumerate(users)
    )
    ApplicationVersion.objects.bulk_create(
        ApplicationVersion(
            application=application,
            number=1,
            submitted_at=now - timedelta(days=3),
            submitted_by_id=application.applicant_id,
            content={"title": application.title, "budget": {"lines": []}},
            confirmation_sent_at=now,
        )
        for application in applications
    )
    insert_status_history(
        applications,
        [("", ApplicationStatus.DRAFT), (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)],
        at=now - timedelta(days=3),
    )
    return {"formal_check_call_id": call.pk}


def build_documents(grant, count: int) -> None:
    """`count` financial documents of `grant`, each split over its first two budget lines (rows
    bulk-made: the pages read the rows, not the files)."""
    from datetime import date, timedelta
    from decimal import Decimal

    from projects.models import DocumentAllocation, FinancialDocument

    lines = list(grant.budget_lines.all()[:2])
    today = date.today()
    documents = FinancialDocument.objects.bulk_create(
        FinancialDocument(
            grant=grant,
            kind="receipt" if i % 2 else "invoice",
            number=f"FV/{i + 1}/2027",
            issued_on=today - timedelta(days=i % 60),
            issuer_name=f"Sklep nr {i % 17}",
            amount=Decimal("12.00"),
            description="Materiały do warsztatów",
            file=f"grants/{grant.pk}/documents/{i}.pdf",
            extension=".pdf",
            original_name=f"faktura-{i}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )
        for i in range(count)
    )
    DocumentAllocation.objects.bulk_create(
        DocumentAllocation(document=document, budget_line=line, from_grant=Decimal("5.00"))
        for document in documents
        for line in lines
    )


def build_settlements(call_id: int, coordinator_email: str) -> int:
    """Half of the call's grants under way are settled (a fifth of all): two financial
    documents each over its budget lines, an accepted final report and a settlement in one
    of its states, without its PDF (bench_settlement_pdfs renders them). Bulk rows, as the
    finance summary reads them. Returns how many."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from projects.enums import GrantState, ReportKind, ReportState, SettlementState
    from projects.models import (
        DocumentAllocation,
        FinancialDocument,
        Grant,
        Report,
        Settlement,
    )

    coordinator = User.objects.get(email=coordinator_email)
    active = list(
        Grant.objects.filter(call_id=call_id, state=GrantState.ACTIVE)
        .prefetch_related("budget_lines")
        .order_by("pk")
    )
    chosen = active[::2]
    documents = FinancialDocument.objects.bulk_create(
        FinancialDocument(
            grant=grant,
            number=f"FV/{n}/{grant.pk}",
            issued_on=date(2027, 5, 3),
            issuer_name="Sklep ogrodniczy",
            amount=Decimal("1400.00"),
            description="Zakupy do projektu",
            file=f"grants/{grant.pk}/documents/bench-{n}.pdf",
            extension=".pdf",
            original_name="faktura.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            ineligible_amount=Decimal("100.00") if n == 1 and grant.pk % 3 == 0 else Decimal(0),
        )
        for grant in chosen
        for n in (1, 2)
    )
    lines = {grant.pk: list(grant.budget_lines.all()) for grant in chosen}
    DocumentAllocation.objects.bulk_create(
        DocumentAllocation(
            document=document,
            budget_line=lines[document.grant_id][0 if document.number.startswith("FV/1/") else 1],
            from_grant=Decimal("1400.00"),
        )
        for document in documents
    )
    reports = Report.objects.bulk_create(
        Report(
            grant=grant,
            kind=ReportKind.FINAL,
            state=ReportState.ACCEPTED,
            summary="Zrobione.",
            indicators=[{"name": "uczestnicy", "unit": "osób", "planned": 40, "achieved": 38}],
            submitted_at=timezone.now() - timedelta(days=3),
        )
        for grant in chosen
    )
    states = [SettlementState.RETURN_DUE, SettlementState.RETURN_RECEIVED]
    settlements = []
    for i, (grant, report) in enumerate(zip(chosen, reports, strict=True)):
        ineligible = Decimal("100.00") if grant.pk % 3 == 0 else Decimal("0.00")
        eligible = Decimal("2800.00") - ineligible
        paid = grant.amount * Decimal("0.8")
        settlements.append(
            Settlement(
                grant=grant,
                report=report,
                version=1,
                number=f"{grant.reference_number}/R1",
                state=(states[i % 2] if paid > eligible else SettlementState.BALANCED),
                awarded=grant.amount,
                spent_from_grant=Decimal("2800.00"),
                ineligible=ineligible,
                eligible=eligible,
                own_contribution_planned=Decimal("500.00"),
                paid_before=paid,
                final_instalment=max(Decimal(0), eligible - paid),
                return_amount=max(Decimal(0), paid - eligible),
                return_due_on=date.today() + timedelta(days=14),
                content={
                    "agreement_number": f"{grant.reference_number}/U1",
                    "report_state": ReportState.ACCEPTED,
                    "lines": [
                        {
                            "item": line.item,
                            "planned_total": str(line.total),
                            "planned_from_grant": str(line.from_grant),
                            "planned_own": str(line.own_contribution),
                            "spent_from_grant": "1400.00" if n < 2 else "0.00",
                            "spent_own": "0.00",
                            "spent_total": "1400.00" if n < 2 else "0.00",
                        }
                        for n, line in enumerate(lines[grant.pk])
                    ],
                    "documents": [
                        {
                            "number": f"FV/{n}/{grant.pk}",
                            "issued_on": "2027-05-03",
                            "issuer_name": "Sklep ogrodniczy",
                            "description": "Zakupy do projektu",
                            "amount": "1400.00",
                            "from_grant": "1400.00",
                            "own_contribution": "0.00",
                            "lines": [lines[grant.pk][n - 1].item],
                            "ineligible": "0.00",
                            "ineligible_reason": "",
                        }
                        for n in (1, 2)
                    ],
                    "indicators": [
                        {"name": "uczestnicy", "unit": "osób", "planned": "40", "achieved": "38"}
                    ],
                },
                issued_by=coordinator,
            )
        )
    Settlement.objects.bulk_create(settlements)
    Settlement.objects.filter(state=SettlementState.RETURN_RECEIVED).update(
        return_received_on=date.today()
    )
    Grant.objects.filter(pk__in=[grant.pk for grant in chosen]).update(state=GrantState.SETTLED)
    return len(chosen)


def wait_for(url: str, timeout: float = 30) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not start")


def logged_in_session(base: str, email: str):
    import requests

    session = requests.Session()
    from django.urls import reverse

    login = base + reverse("account_login")
    session.get(login, timeout=10)
    token = session.cookies.get("csrftoken")
    response = session.post(
        login,
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": login},
        timeout=10,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed for {email}: {response.status_code}")
    return session


class PageFailed(Exception):
    """A page answered with an error or not at all."""


def measure(session, url: str, count: int, budget: float = 30) -> dict:
    """`count` timed requests after a warm-up; a page slower than `budget` seconds in all
    is measured over fewer (at least 5), and one that takes over a third of the budget once
    is timed that once only, so one slow page at 20,000 cannot stall the run."""
    import requests

    def get():
        started = time.perf_counter()
        try:
            response = session.get(url, timeout=600)
        except requests.RequestException as error:
            raise PageFailed(f"{url}: {error}") from error
        if response.status_code != 200:
            raise PageFailed(f"{url} answered {response.status_code}")
        return response, (time.perf_counter() - started) * 1000

    response, first = get()  # warm-up
    if first > budget * 1000 / 3:  # a page that grows with the call: once is enough to see it
        return {"p50": first, "p90": first, "bytes": len(response.content), "count": 1}
    for _ in range(2):  # warm-up
        get()
    timings = []
    started_all = time.perf_counter()
    for _ in range(count):
        response, took = get()
        timings.append(took)
        if len(timings) >= 5 and time.perf_counter() - started_all > budget:
            break
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p90": timings[max(0, int(len(timings) * 0.9) - 1)],
        "bytes": len(response.content),
        "count": len(timings),
    }


def query_count(path: str, email: str, *, warm: bool = True) -> int:
    """The same page through Django's test client in this process, counting SQL queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    if warm:  # a slow page was warmed up by the server's requests: once is enough
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} in the test client")
    return len(queries)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _worker_processes(env: dict, workers: int) -> list:
    worker_env = dict(env, DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.05"],
            cwd=BASE_DIR,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]


def _stop(processes: list) -> None:
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def bench_letters(env: dict, count: int, workers: int, call_id: int) -> dict:
    """Publish `count` decisions and let `workers` db_worker processes render the letters."""

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from applicants.models import Application
    from core.pdf import render_pdf_in_this_process
    from decisions import letters
    from decisions.enums import DecisionOutcome, LetterState
    from decisions.letters import render_letter_pdf
    from decisions.models import Decision
    from decisions.services import results_publish

    coordinator = User.objects.get(email="bench.koordynator@example.org")
    applications = list(Application.objects.filter(call_id=call_id).order_by("pk")[:count])
    Decision.objects.bulk_create(
        Decision(
            application=a,
            call_id=call_id,
            outcome=DecisionOutcome.REJECTED,
            justification="Wynik poniżej progu.",
            decided_by=coordinator,
        )
        for a in applications
    )
    # Floor: the same letter template in a tight loop, one process, shared FontConfiguration,
    # rendered in this process (WeasyPrint alone, no isolation).
    sample = (
        Decision.objects.select_related("application__applicant", "call")
        .filter(call_id=call_id)
        .first()
    )
    floor_runs = min(20, count)

    def loop() -> tuple[float, float]:
        """Wall and CPU seconds (of this process) per letter, over floor_runs letters."""
        render_letter_pdf(sample, language="pl", number="BN/FLOOR/D0", issued_at=timezone.now())
        started, before = time.perf_counter(), os.times()
        for i in range(floor_runs):
            render_letter_pdf(
                sample, language="pl", number=f"BN/FLOOR/D{i}", issued_at=timezone.now()
            )
        after = os.times()
        cpu = sum(getattr(after, f) - getattr(before, f) for f in CPU_FIELDS)
        return (time.perf_counter() - started) / floor_runs, cpu / floor_runs

    def floor() -> tuple[float, float]:
        with mock.patch.object(letters, "render_pdf", render_pdf_in_this_process):
            return loop()

    def floor_side_by_side() -> float:
        """Wall seconds per letter when `workers` processes run the floor's loop at once: what
        WeasyPrint alone gets from this machine's cores (they share caches, memory and the
        host), the floor per letter with that many workers."""
        from django.db import connection

        connection.close()  # each process opens its own
        started = time.perf_counter()
        children = []
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # pragma: no cover -- the child
                code = 1
                try:
                    floor()
                    code = 0
                finally:
                    os._exit(code)
            children.append(pid)
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
        if failed:
            raise SystemExit("a side-by-side floor process failed")
        # Each child also rendered one warm-up letter, as the single-process loop does.
        return (time.perf_counter() - started) / (workers * (floor_runs + 1))

    floor_before, floor_cpu_before = floor()
    parallel_floor = floor_side_by_side()
    # The same loop as the workers render it: through core.pdf's renderer processes.
    isolated_wall, _cpu_here = loop()

    # Visiting the application page queued its version's PDF copies (the bench's versions
    # are bulk-made without them): render them here, so the workers' queued renders find
    # nothing to do and the clock measures letters only.
    from applicants.pdf_copies import version_pdf_render, version_pdfs_pending

    for pdf_id in version_pdfs_pending():
        version_pdf_render(pdf_id=pdf_id)

    # The workers are started (and warmed up by Django's start-up) before publishing,
    # as on a running site; the clock runs from publishing to the last letter stored.
    processes = _worker_processes(env, workers)
    time.sleep(3)
    # Publishing (the coordinator's request: every decision moved, its application's status,
    # one letter request each) is timed on its own; the letters' clock starts when it commits,
    # the moment the workers can see the tasks.
    publish_started = time.perf_counter()
    with transaction.atomic():
        results_publish(call=Application.objects.get(pk=applications[0].pk).call, by=coordinator)
    started = time.perf_counter()
    publish_seconds = started - publish_started
    peaks = []
    try:
        while Decision.objects.filter(
            call_id=call_id, letter_state=LetterState.ISSUED
        ).count() < len(applications):
            peaks.append([peak_rss_mb(p.pid) for p in processes])
            if time.perf_counter() - started > 900:
                raise SystemExit("letters took longer than 15 minutes")
            time.sleep(0.1)
    finally:
        _stop(processes)
    elapsed = time.perf_counter() - started
    issued = Decision.objects.filter(call_id=call_id, letter_state=LetterState.ISSUED).count()
    per_letter = elapsed / max(issued, 1)
    # The floor again, after the workers: this machine's speed drifts by a third within
    # minutes, and the ratio is against the mean of the two.
    floor_after, floor_cpu_after = floor()
    floor_wall = (floor_before + floor_after) / 2
    floor_cpu = (floor_cpu_before + floor_cpu_after) / 2
    return {
        "letters_issued": issued,
        "letters_per_second": issued / elapsed if elapsed else 0,
        "letters_seconds_per_letter_wall": per_letter,
        "letters_publish_seconds": publish_seconds,
        "letters_publish_ms_per_decision": publish_seconds * 1000 / max(len(applications), 1),
        "letters_floor_seconds_per_letter": floor_wall,
        "letters_floor_before_seconds_per_letter": floor_before,
        "letters_floor_after_seconds_per_letter": floor_after,
        "letters_floor_cpu_seconds_per_letter": floor_cpu,
        "letters_isolated_seconds_per_letter": isolated_wall,
        "letters_isolation_overhead_seconds_per_letter": isolated_wall - floor_before,
        # Two workers share the work: per letter each worker spends workers × wall time.
        "letters_ratio_to_floor": (per_letter * workers) / floor_wall if floor_wall else 0,
        # Against the floor per letter of `workers` processes rendering side by side.
        "letters_parallel_floor_seconds_per_letter": parallel_floor,
        "letters_ratio_to_parallel_floor": per_letter / parallel_floor if parallel_floor else 0,
        # The same with publishing's time counted in the letters' (as measured before 8
        # December 2026).
        "letters_ratio_to_floor_with_publishing": (
            ((elapsed + publish_seconds) / max(issued, 1) * workers) / floor_wall
            if floor_wall
            else 0
        ),
        "letters_worker_peak_rss_mb": max((max(row) for row in peaks if row), default=0.0),
    }


def _queue_drained(timeout: float = 300) -> None:
    """Wait until the workers have taken every task queued before the clock starts (e-mails of
    the letters, PDF copies): the clock then measures the agreements only."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the queue did not drain before the agreements")
        time.sleep(0.1)


def bench_agreements(count: int, workers: int, env: dict, call_id: int) -> dict:
    """Send `count` ready grants' agreements in bulk and let `workers` db_worker processes
    render, store and send them; against the same agreement rendered in a tight loop here.

    The grants waiting for their agreement in build_grants() are ready (signatories, an
    account in use, a budget that asks exactly the award, the project's dates: bulk rows);
    the bulk send goes through the list's service (projects.agreement_issuing).
    """
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from applicants.pdf_copies import version_pdf_render, version_pdfs_pending
    from core.pdf import render_pdf_in_this_process
    from projects import agreements
    from projects.agreement_issuing import agreements_issue_bulk
    from projects.enums import AGREEMENT_REQUEST_OPEN_STATES, AgreementRequestState, GrantState
    from projects.models import AgreementRequest, Grant
    from projects.readiness import agreement_readiness

    coordinator = User.objects.get(email="bench.koordynator@example.org")
    grants = list(
        Grant.objects.filter(call_id=call_id, state=GrantState.AGREEMENT_TO_PREPARE)
        .select_related("call", "application__applicant")
        .order_by("pk")[:count]
    )
    not_ready = [g.reference_number for g in grants if agreement_readiness(g)]
    if not grants or not_ready:
        raise SystemExit(f"no grants ready for their agreements: {not_ready[:3]}")

    sample = grants[0]
    floor_runs = min(10, len(grants))

    def per_agreement() -> tuple[float, float]:
        """Wall and CPU seconds (of this process) per agreement, over floor_runs agreements."""
        agreements.render_agreement_pdf(
            sample, language="pl", number="BG/FLOOR/U0", issued_at=timezone.now()
        )
        started, before = time.perf_counter(), os.times()
        for i in range(floor_runs):
            agreements.render_agreement_pdf(
                sample, language="pl", number=f"BG/FLOOR/U{i}", issued_at=timezone.now()
            )
        after = os.times()
        cpu = sum(getattr(after, f) - getattr(before, f) for f in CPU_FIELDS)
        return (time.perf_counter() - started) / floor_runs, cpu / floor_runs

    def in_this_process(html, *, timeout=None, **options):
        return render_pdf_in_this_process(html, **options)

    # Floor: WeasyPrint alone, in this process, one shared FontConfiguration, no isolation.
    with mock.patch.object(agreements, "render_pdf", in_this_process):
        floor_wall, floor_cpu = per_agreement()
    # The same loop as the workers render it: through core.pdf's renderer processes.
    isolated_wall, _cpu_here = per_agreement()

    for pdf_id in version_pdfs_pending():  # as for the letters: nothing else for the workers
        version_pdf_render(pdf_id=pdf_id)

    processes = _worker_processes(env, workers)
    peaks = []
    try:
        time.sleep(3)  # started and warmed up by Django's start-up, as on a running site
        _queue_drained()
        started = time.perf_counter()
        with transaction.atomic():
            requested, refused = agreements_issue_bulk(grants=grants, by=coordinator)
        if refused:
            raise SystemExit(f"the bulk send refused {len(refused)}: {refused[0]}")
        requests = AgreementRequest.objects.filter(pk__in=[r.pk for r in requested])
        while requests.filter(state__in=AGREEMENT_REQUEST_OPEN_STATES).exists():
            peaks.append([peak_rss_mb(p.pid) for p in processes])
            if time.perf_counter() - started > 900:
                raise SystemExit("agreements took longer than 15 minutes")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        _stop(processes)
    issued = requests.filter(state=AgreementRequestState.ISSUED).count()
    per_one = elapsed / max(issued, 1)
    return {
        "agreements_issued": issued,
        "agreements_failed": requests.filter(state=AgreementRequestState.FAILED).count(),
        "agreements_per_second": issued / elapsed if elapsed else 0,
        "agreements_seconds_per_agreement_wall": per_one,
        "agreements_floor_seconds_per_agreement": floor_wall,
        "agreements_floor_cpu_seconds_per_agreement": floor_cpu,
        "agreements_isolated_seconds_per_agreement": isolated_wall,
        # Two workers share the work: per agreement each worker spends workers × wall time.
        "agreements_ratio_to_floor": (per_one * workers) / floor_wall if floor_wall else 0,
        "agreements_worker_peak_rss_mb": max((max(row) for row in peaks if row), default=0.0),
    }


def bench_settlement_pdfs(count: int, workers: int, env: dict, call_id: int) -> dict:
    """Render `count` settlements' PDFs with `workers` db_worker processes (their task, queued
    as settlement_issue queues it), against the same PDF rendered in a tight loop here."""
    from django.db import transaction

    from core.pdf import render_pdf_in_this_process
    from projects import settlement_pdf
    from projects.models import Settlement
    from projects.tasks import render_settlement_pdf

    settlements = list(
        Settlement.objects.filter(grant__call_id=call_id, pdf="")
        .select_related("grant__call", "grant__application__applicant")
        .order_by("pk")[:count]
    )
    if not settlements:
        raise SystemExit("no settlements to render")
    sample = settlements[0]
    floor_runs = min(10, len(settlements))

    def per_settlement() -> tuple[float, float]:
        settlement_pdf.render_settlement_pdf(sample)
        started, before = time.perf_counter(), os.times()
        for _ in range(floor_runs):
            settlement_pdf.render_settlement_pdf(sample)
        after = os.times()
        cpu = sum(getattr(after, f) - getattr(before, f) for f in CPU_FIELDS)
        return (time.perf_counter() - started) / floor_runs, cpu / floor_runs

    def in_this_process(html, *, timeout=None, **options):
        return render_pdf_in_this_process(html, **options)

    with mock.patch.object(settlement_pdf, "render_pdf", in_this_process):
        floor_wall, floor_cpu = per_settlement()
    isolated_wall, _cpu_here = per_settlement()

    processes = _worker_processes(env, workers)
    peaks = []
    pks = [s.pk for s in settlements]
    try:
        time.sleep(3)
        _queue_drained()
        started = time.perf_counter()
        with transaction.atomic():
            for pk in pks:
                render_settlement_pdf.enqueue(settlement_id=pk)
        waiting = Settlement.objects.filter(pk__in=pks, pdf="")
        while waiting.exists():
            peaks.append([peak_rss_mb(p.pid) for p in processes])
            if time.perf_counter() - started > 900:
                raise SystemExit("settlement PDFs took longer than 15 minutes")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        _stop(processes)
    rendered = Settlement.objects.filter(pk__in=pks).exclude(pdf="").count()
    per_one = elapsed / max(rendered, 1)
    return {
        "settlements_rendered": rendered,
        "settlements_per_second": rendered / elapsed if elapsed else 0,
        "settlements_seconds_per_pdf_wall": per_one,
        "settlements_floor_seconds_per_pdf": floor_wall,
        "settlements_floor_cpu_seconds_per_pdf": floor_cpu,
        "settlements_isolated_seconds_per_pdf": isolated_wall,
        "settlements_ratio_to_floor": (per_one * workers) / floor_wall if floor_wall else 0,
        "settlements_worker_peak_rss_mb": max((max(row) for row in peaks if row), default=0.0),
    }


def build_all(args) -> tuple[dict, dict]:
    """Build every part of the synthetic programme; the build's time in figures, also printed
    at once (a 20,000 build is worth knowing before the pages are measured)."""
    from django.db import connection

    figures = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        now = time.perf_counter()
        figures[f"build_{name}_seconds"] = (now - lap.at, "s")
        lap.at = now

    lap.at = started
    with batched_inserts():
        people = build_programme(args.size, args.reviewers, args.reviews_per_application)
        lap("programme")
        people.update(build_grants(args.grants, people["coordinator"]))
        lap("grants")
        people["settled_grants"] = build_settlements(
            people["grants_call_id"], people["coordinator"]
        )
        people.update(build_formal_check(max(1, args.size // 10), people["coordinator"]))
        lap("settlements_and_formal_check")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics after a bulk load, as autovacuum would give them.
            cursor.execute("ANALYZE")
    figures["build_seconds"] = (time.perf_counter() - started, "s")
    figures["reviewers"] = (args.reviewers, "count")
    print(
        f"built {args.size} applications ({args.reviewers} reviewers), {args.grants} grants "
        f"in {figures['build_seconds'][0]:.1f} s",
        flush=True,
    )
    return people, figures


def bench_pages(people: dict) -> list[tuple[str, str, str]]:
    """Every page a coordinator, a reviewer, an applicant and a grantee use in a busy call:
    (figure name, path, who is logged in; "" for an anonymous visitor)."""
    from django.urls import reverse

    coordinator, call_id = people["coordinator"], people["call_id"]
    grants_call_id = people["grants_call_id"]
    grant_id, spending_id = people["grant_id"], people["spending_grant_id"]
    return [
        # The coordinators: the call in review.
        ("manage_start", reverse("manage_root"), coordinator),
        ("application_list", reverse("applicants_manage:list", args=[call_id]), coordinator),
        (
            "formal_check_list",
            reverse("applicants_manage:list", args=[people["formal_check_call_id"]])
            + "?status=submitted",
            coordinator,
        ),
        (
            "application_page",
            reverse("applicants_manage:detail", args=[people["application_id"]]),
            coordinator,
        ),
        ("assignments", reverse("review_manage:assignments", args=[call_id]), coordinator),
        ("reviewer_pool", reverse("review_manage:pool", args=[call_id]), coordinator),
        ("ranking", reverse("review_manage:ranking", args=[call_id]), coordinator),
        ("committee_decisions", reverse("decisions:call", args=[call_id]), coordinator),
        ("messages_inbox", reverse("conversations_manage:inbox", args=[call_id]), coordinator),
        # The coordinators: the decided call and its grants.
        ("letters_list", reverse("decisions:progress", args=[grants_call_id]), coordinator),
        ("grants_list", reverse("projects_manage:grants", args=[grants_call_id]), coordinator),
        ("grant_page", reverse("projects_manage:grant", args=[grant_id]), coordinator),
        (
            "grant_page_200_documents",
            reverse("projects_manage:grant", args=[spending_id]),
            coordinator,
        ),
        (
            "documents_list_200_documents",
            reverse("projects_manage:documents", args=[spending_id]),
            coordinator,
        ),
        ("payments_list", reverse("projects_manage:payments", args=[grants_call_id]), coordinator),
        ("reports_list", reverse("projects_manage:reports", args=[grants_call_id]), coordinator),
        (
            "amendments_list",
            reverse("projects_manage:amendments", args=[grants_call_id]),
            coordinator,
        ),
        ("finance_summary", reverse("projects_manage:finance", args=[grants_call_id]), coordinator),
        # A reviewer with a heavy load.
        ("reviewer_dashboard", reverse("reviews:dashboard"), people["reviewer"]),
        (
            "reviewer_assignment",
            reverse("reviews:assignment", args=[people["reviewer_assignment_id"]]),
            people["reviewer"],
        ),
        # An applicant (in review, in formal check, and a grantee in the decided call).
        ("applicant_dashboard", reverse("applicants:my_applications"), people["applicant"]),
        ("grantee_dashboard", reverse("applicants:my_applications"), people["grantee"]),
        (
            "grantee_decision",
            reverse("decisions_applicant:decision", args=[people["grantee_application_id"]]),
            people["grantee"],
        ),
        ("grantee_grant_page", reverse("projects:grant", args=[grant_id]), people["grantee"]),
        (
            "grantee_grant_page_200_documents",
            reverse("projects:grant", args=[spending_id]),
            people["spending_grantee"],
        ),
        (
            "grantee_documents_200_documents",
            reverse("projects:documents", args=[spending_id]),
            people["spending_grantee"],
        ),
        # Everyone.
        ("home", reverse("home"), ""),
    ]


def measure_pages(base: str, people: dict, args) -> dict:
    """p50, p90, SQL queries and size of every page of bench_pages()."""
    import requests

    figures = {}
    sessions = {}
    for name, path, email in bench_pages(people):
        if name in args.skip_pages or (args.only_pages and name not in args.only_pages):
            continue
        if email and email not in sessions:
            sessions[email] = logged_in_session(base, email)
        session = sessions[email] if email else requests.Session()
        try:
            result = measure(session, base + path, args.requests, args.page_seconds)
        except PageFailed as failure:  # said, counted, and the other pages still measured
            print(f"  {name}: FAILED, {failure}", flush=True)
            figures[f"{name}_failed"] = (1, "count")
            continue
        figures[f"{name}_p50"] = (result["p50"], "ms")
        figures[f"{name}_p90"] = (result["p90"], "ms")
        figures[f"{name}_queries"] = (query_count(path, email, warm=result["count"] > 1), "count")
        figures[f"{name}_kb"] = (result["bytes"] / 1024, "kB")
        print(
            f"  {name}: {result['p50']:.0f} ms p50 over {result['count']} requests, "
            f"{figures[f'{name}_queries'][0]} queries",
            flush=True,
        )
    return figures


def with_units(results: dict[str, float], **units: str) -> dict[str, tuple[float, str]]:
    """Each figure with its unit: the one named, else seconds."""
    return {name: (value, units.get(name, "s")) for name, value in results.items()}


def main() -> int:
    args = parse_args()
    var_dir = BASE_DIR / "var" / "bench"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    port = free_port()
    env = bench_environment(var_dir, port)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, cwd=BASE_DIR, env=env, check=True)  # noqa: S603 -- our own manage.py
    setup_django(env)
    people, build_figures = build_all(args)

    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 -- gunicorn from our venv, loopback only
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            # A page that grows with the call may take minutes at 20,000: measured, not killed.
            "--timeout",
            "600",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    figures: dict[str, tuple[float, str]] = dict(build_figures)
    try:
        wait_for(base + "/")
        for name, value in measure_pages(base, people, args).items():
            figures[name] = value
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if args.letters:
        figures |= with_units(
            bench_letters(env, args.letters, args.workers, people["call_id"]),
            letters_issued="count",
            letters_per_second="letters/s",
            letters_ratio_to_floor="x",
            letters_ratio_to_floor_with_publishing="x",
            letters_ratio_to_parallel_floor="x",
            letters_publish_ms_per_decision="ms",
            letters_worker_peak_rss_mb="MB",
        )
    if args.agreements:
        figures |= with_units(
            bench_agreements(args.agreements, args.workers, env, people["grants_call_id"]),
            agreements_issued="count",
            agreements_failed="count",
            agreements_per_second="agreements/s",
            agreements_ratio_to_floor="x",
            agreements_worker_peak_rss_mb="MB",
        )
    if args.settlements:
        figures |= with_units(
            bench_settlement_pdfs(args.settlements, args.workers, env, people["grants_call_id"]),
            settlements_rendered="count",
            settlements_per_second="settlements/s",
            settlements_ratio_to_floor="x",
            settlements_worker_peak_rss_mb="MB",
        )
    figures["settled_grants"] = (people["settled_grants"], "count")

    report = {
        "size": args.size,
        "reviews": args.size * args.reviews_per_application,
        "cores": os.cpu_count(),
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "figures": {},
    }
    for name, (value, unit) in figures.items():
        shown = round(value, 2) if unit not in {"count"} else int(value)
        print(f"BENCH {name} {shown} {unit}")
        report["figures"][name] = {"value": shown, "unit": unit}
    out = BASE_DIR / "var" / "bench.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

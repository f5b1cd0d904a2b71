"""States are named by their enums: no template or module spells a state out as a string.

The values of statuses, outcomes and states, the groups they form, their labels
and their badge colours live on the enums (applicants/enums.py, reviews/enums.py,
decisions/enums.py, grants/enums.py, core/enums.py); models answer what pages ask
(application.is_decided, decision.is_reserve, assignment.needs_declaration …).
This check reads the templates and the project's Python (not enums, migrations
or tests) and lists every place that compares a status-like name with a string
literal, passes one to a query, or writes one into SQL.
"""

import ast
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from applicants.enums import ApplicationStatus, VersionPdfStatus
from decisions.enums import DecisionOutcome, DecisionState, LetterState, OutboxState
from grants.enums import CallPhase
from reviews.enums import AssignmentStatus, ReviewerTaskState, ReviewProgress

# The last part of a name that holds a state: status, new_status, letter_state, phase, progress…
STATE_NAME = re.compile(r"(?:^|_)(?:status|statuses|outcome|outcomes|state|states|phase|progress)$")
# Django's lookups after a field in a query keyword (assignment__status__in=…).
LOOKUPS = {"in", "exact", "iexact", "ne"}
SKIPPED_DIRECTORIES = {".venv", "node_modules", "migrations", "tests", ".git", "var", "static"}
SKIPPED_FILES = {"enums.py", "conftest.py"}

# --- Templates ----------------------------------------------------------------------------

TAG = re.compile(r"{%.*?%}", re.DOTALL)
LITERAL = r"""(?:"[^"]*"|'[^']*')"""
NAME = r"[\w.]+"
TEMPLATE_PATTERNS = [
    # application.status == "draft", phase != 'upcoming'
    re.compile(rf"(?P<name>{NAME})\s*(?:==|!=)\s*{LITERAL}"),
    # "draft" == application.status; "draft" in application.status
    re.compile(rf"{LITERAL}\s*(?:==|!=|in|not in)\s+(?P<name>{NAME})"),
    # application.status in "draft submitted" (a substring test)
    re.compile(rf"(?P<name>{NAME})\s+(?:not\s+)?in\s+{LITERAL}"),
    # {% include … with phase="accepting" %}, {% with state="closed" %}
    re.compile(rf"\b(?P<name>\w+)={LITERAL}"),
]


def _is_state_name(name: str) -> bool:
    parts = [part for part in re.split(r"\.|__", name) if part and part not in LOOKUPS]
    return any(STATE_NAME.search(part) for part in parts)


def template_literals(source: str, path: str) -> list[str]:
    """Every state compared with (or set to) a string in one template."""
    found = []
    for tag in TAG.finditer(source):
        line = source.count("\n", 0, tag.start()) + 1
        for pattern in TEMPLATE_PATTERNS:
            for match in pattern.finditer(tag.group()):
                if _is_state_name(match.group("name")):
                    found.append(f"{path}:{line}: {match.group().strip()}")
    return found


# --- Python -------------------------------------------------------------------------------

SQL_LITERAL = re.compile(
    r"\b\w*(?:status|state|outcome)\s*(?:=|<>|!=|\bIN\b)\s*\(?\s*'\w+'", re.IGNORECASE
)


def _strings(node: ast.AST) -> list[str]:
    """The non-empty string constants `node` is, or holds as a list, tuple or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value else []
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [value for element in node.elts for value in _strings(element)]
    return []


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)  # row["status"]
    return ""


def python_literals(source: str, path: str) -> list[str]:
    """Every state compared with a string, queried by one, or written into SQL in one module."""
    found = []

    def report(node: ast.AST) -> None:
        found.append(f"{path}:{node.lineno}: {ast.unparse(node)[:100]}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for left, right in itertools.pairwise(sides):
                if (_is_state_name(_name_of(left)) and _strings(right)) or (
                    _is_state_name(_name_of(right)) and _strings(left)
                ):
                    report(node)
                    break
        elif isinstance(node, ast.keyword):
            if node.arg and _is_state_name(node.arg) and _strings(node.value):
                report(node)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_LITERAL.search(node.value)
        ):
            report(node)
    return found


# --- The project ---------------------------------------------------------------------------


def project_files(base: Path, pattern: str):
    for path in sorted(base.rglob(pattern)):
        relative = path.relative_to(base)
        if (
            SKIPPED_DIRECTORIES & set(relative.parts[:-1])
            or relative.name in SKIPPED_FILES
            or relative.name.startswith("test_")
        ):
            continue
        yield relative.as_posix(), path.read_text(encoding="utf-8")


def state_literals(base: Path) -> list[str]:
    """Every state spelled out as a string in the project at `base`."""
    found = []
    for pattern in ("*.html", "*.txt"):
        for path, source in project_files(base / "templates", pattern):
            found += template_literals(source, f"templates/{path}")
    for path, source in project_files(base, "*.py"):
        found += python_literals(source, path)
    return found


def test_states_are_named_by_their_enums_in_templates_and_code():
    assert state_literals(Path(settings.BASE_DIR)) == []


def test_state_literals_finds_every_way_a_template_spells_a_state():
    planted = """{% if application.status == "draft" %}
{% elif 'reserve' == decision.outcome %}
{% elif application.status == "awarded" or application.status == "reserve" %}
{% if row.state in "to_declare drafting" %}
{% include "includes/call_card.html" with call=call phase="accepting" only %}
{% if change.new_status != 'withdrawn' %}
{% if application.is_decided %}{% include "includes/badge.html" with label=x badge=y only %}
{% if header.key == "amount" %}{% if phase.is_accepting %}
"""

    found = template_literals(planted, "t.html")

    assert [place.split(":")[1] for place in found] == ["1", "2", "3", "3", "4", "5", "6"]


def test_state_literals_finds_every_way_python_spells_a_state():
    planted = """
if application.status == "draft": pass
if "awarded" != decision.outcome: pass
if row.state in {"to_declare", "drafting"}: pass
Review.objects.filter(assignment__status__in=["assigned", "declared"])
Q(outcome="awarded", amount__isnull=False)
if item["status"] == "submitted": pass
SQL = "SELECT 1 FROM r WHERE rv.status = 'submitted' AND ra.status IN ('assigned')"
# What the enums make of it is fine:
if application.status == ApplicationStatus.DRAFT: pass
Review.objects.filter(assignment__status__in=ACTIVE_ASSIGNMENT_STATUSES)
Change.objects.create(old_status="", new_status=to)  # "" is no state: the first row
TemplateResponse(request, "page.html", status=503)
if kind == "reviewer": pass
"""

    found = python_literals(planted, "m.py")

    assert sorted(int(place.split(":")[1]) for place in found) == [2, 3, 4, 5, 6, 7, 8]


# --- Labels and colours -------------------------------------------------------------------

BADGE_CLASSES = re.compile(
    r"text-bg-(?:primary|secondary|success|danger|warning|info|light|dark)(?: border)?"
)


@pytest.mark.parametrize(
    "states",
    [
        ApplicationStatus,
        VersionPdfStatus,
        AssignmentStatus,
        ReviewProgress,
        ReviewerTaskState,
        DecisionOutcome,
        DecisionState,
        LetterState,
        OutboxState,
        CallPhase,
    ],
    ids=lambda states: states.__name__,
)
def test_every_state_shown_as_a_badge_has_a_label_and_a_colour(states):
    with translation.override("pl"):
        shown = {state: (str(state.label), state.badge) for state in states}

    assert all(label and BADGE_CLASSES.fullmatch(badge) for label, badge in shown.values())


def test_badge_shows_the_label_and_the_colour_it_is_given():
    html = render_to_string(
        "includes/badge.html",
        {"label": "Lista <rezerwowa>", "badge": ApplicationStatus.RESERVE.badge, "large": True},
    )

    assert html.strip() == '<span class="badge text-bg-info fs-6">Lista &lt;rezerwowa&gt;</span>'

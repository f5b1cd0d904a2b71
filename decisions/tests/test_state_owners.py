"""Letters' and outbox messages' states have one writer each: nothing else in the project writes them.

The owners are decisions.issuing.letter_request_transition (LetterRequest.state,
Decision.letter_state, Decision.letter_error) and
decisions.issuing.outbox_message_transition (OutboxMessage.state). The check
reads the project's code (not tests, not migrations) as Python syntax trees.
"""

import ast
from pathlib import Path

from django.conf import settings

STATE_FIELDS = {"letter_state", "letter_error", "state"}
OWNERS = {
    ("decisions/issuing.py", "letter_request_transition"),
    ("decisions/issuing.py", "outbox_message_transition"),
    # OutgoingEmail.state and Decision.state have a field of the same name and their own owners.
    ("core/mail.py", "email_transition"),
    ("decisions/services.py", "decision_transition"),
}
# Calls that write the fields named in their keyword arguments.
WRITING_METHODS = {"update", "create", "get_or_create", "update_or_create"}
MODELS = {"Decision", "LetterRequest", "OutboxMessage"}
SKIPPED_DIRECTORIES = {".venv", "node_modules", "migrations", "tests", ".git", "var", "static"}


def _constant_strings(node: ast.AST) -> set[str]:
    return {
        child.value
        for child in ast.walk(node)
        if isinstance(child, ast.Constant) and isinstance(child.value, str)
    }


def _call_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return ""


def _writes(node: ast.AST) -> bool:
    """Whether one node writes a letter's or an outbox message's state."""
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(
            isinstance(target, ast.Attribute) and target.attr in STATE_FIELDS for target in targets
        )
    if not isinstance(node, ast.Call):
        return False
    name = _call_name(node)
    if name in WRITING_METHODS or name in MODELS:
        for keyword in node.keywords:
            if keyword.arg in STATE_FIELDS:
                return True
            if keyword.arg == "defaults" and _constant_strings(keyword.value) & STATE_FIELDS:
                return True
    if name == "bulk_update":
        return bool(_constant_strings(node) & STATE_FIELDS)
    if name == "setattr" and len(node.args) >= 2:
        return bool(_constant_strings(node.args[1]) & STATE_FIELDS)
    return False


def state_writers(source: str, path: str) -> list[str]:
    """Every place in `source` that writes a letter's or outbox message's state outside its owner."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if _writes(node) and (path, function) not in OWNERS:
            found.append(f"{path}:{node.lineno} in {function or '<module>'}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), "")
    return found


def project_sources():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if SKIPPED_DIRECTORIES & set(relative.parts[:-1]) or relative.name.startswith("test_"):
            continue
        yield relative.as_posix(), path.read_text(encoding="utf-8")


def test_letter_and_outbox_states_are_written_only_by_their_transition_functions():
    writers = [
        writer for path, source in project_sources() for writer in state_writers(source, path)
    ]

    assert writers == []


def test_state_writers_finds_every_kind_of_write_outside_the_owners():
    planted = """
def sneaky(decision, message):
    decision.letter_state = "issued"
    message.state = "sent"
    Decision.objects.filter(pk=1).update(letter_state="failed", letter_error="")
    OutboxMessage.objects.filter(pk=1).update(state="sent")
    OutboxMessage.objects.create(letter=None, state="sent")
    OutboxMessage.objects.get_or_create(letter=None, defaults={"state": "sent"})
    LetterRequest(decision=decision, state="issued")
    setattr(message, "state", "sent")
    Decision.objects.bulk_update([decision], ["letter_state"])
    Decision.objects.filter(letter_state="failed").exists()  # a read

def letter_request_transition(request, to):
    request.state = to  # the owner's name, but not the owner's module
"""

    found = state_writers(planted, "decisions/elsewhere.py")

    assert [place.split(":")[1].split()[0] for place in found] == [
        "3", "4", "5", "6", "7", "8", "9", "10", "11", "15"
    ]  # fmt: skip
    assert (
        state_writers(
            "def letter_request_transition(r, to):\n    r.state = to\n", "decisions/issuing.py"
        )
        == []
    )

"""Checks over the imports that `lint-imports` can't see: where they stand, and what they name.

The import contracts themselves are in pyproject.toml ([tool.importlinter]).
"""

import ast
import io
import tokenize
from pathlib import Path

from django.utils.module_loading import import_string
from django_tasks.base import Task

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = ("core", "accounts", "grants", "applicants", "reviews", "decisions", "projects", "demo")


def _app_modules():
    for app in APPS:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            parts = path.relative_to(BASE_DIR).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def _imports_an_app(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in APPS
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in APPS for alias in node.names)
    return False


def _function_level_imports(tree: ast.AST):
    """(function, import) for each import inside a function, however deeply nested."""

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, child)
            else:
                if function is not None and _imports_an_app(child):
                    yield function, child
                yield from visit(child, function)

    yield from visit(tree, None)


def test_function_level_imports_of_our_apps_say_why():
    """An import inside a function hides a dependency (often a cycle dodged); each one gives its reason.

    Tasks import services at the top and services never import tasks, so no
    cycle needs dodging. What remains is a real reason, written beside the
    import: e.g. loading WeasyPrint only where something renders. AppConfig.ready()
    is Django's place for imports that need the apps loaded (signal receivers).
    """
    unexplained = []
    for path in _app_modules():
        source = path.read_text()
        comment_lines = {
            token.start[0]
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        }
        for function, node in _function_level_imports(ast.parse(source)):
            if path.name == "apps.py" and function.name == "ready":
                continue
            if not comment_lines & set(range(node.lineno - 1, node.end_lineno + 1)):
                unexplained.append(
                    f"{path.relative_to(BASE_DIR)}:{node.lineno} in {function.name}()"
                )
    assert unexplained == []


def _task_enqueue_paths():
    """(module, task path) of each task_enqueue() call; the path is None if it is not spelt out."""
    for path in _app_modules():
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "task_enqueue"
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    yield path, first.value
                else:
                    yield path, constants.get(getattr(first, "id", None))


def _is_task(task_path: str | None) -> bool:
    try:
        return isinstance(import_string(task_path), Task)
    except (ImportError, TypeError, AttributeError):
        return False


def test_task_enqueue_names_tasks_that_exist():
    """Services name the tasks they queue by path: a misspelt one would fail only when queued."""
    calls = list(_task_enqueue_paths())
    assert len(calls) >= 10  # every service queues through it: this sees them all
    wrong = [
        f"{path.relative_to(BASE_DIR)}: {task_path!r}"
        for path, task_path in calls
        if not _is_task(task_path)
    ]
    assert wrong == []

"""The URL map: every address belongs to exactly one pattern, whatever the order of the includes.

Each named page of ours gets a sample address (its converters filled with sample values) by
`reverse`; that address must resolve back to the same page, and no other pattern anywhere in the
tree may match it too (a second match means the page depends on include order to be reached).
"""

import uuid
from importlib import import_module
from pathlib import Path

from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)

from applicants.urls.converters import FormSectionConverter

BASE_DIR = Path(__file__).resolve().parent.parent
OUR_PACKAGES = {
    "config",
    "core",
    "accounts",
    "grants",
    "applicants",
    "conversations",
    "reviews",
    "decisions",
    "projects",
}
# A value each converter accepts; a new converter type needs its sample here.
SAMPLES = {
    IntConverter: 7,
    SlugConverter: "sample-slug",
    StringConverter: "sample",
    PathConverter: "sample/path",
    UUIDConverter: uuid.UUID(int=7),
    FormSectionConverter: "budget",
}


def _is_ours(pattern) -> bool:
    view = getattr(pattern.callback, "view_class", pattern.callback)
    return view.__module__.split(".")[0] in OUR_PACKAGES


def _leaves(patterns, namespaces=(), converters=None):
    """Every end pattern of the tree, with its full name and the converters along its way."""
    converters = converters or {}
    for entry in patterns:
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _leaves(entry.url_patterns, inner, found)
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield entry, name, found


def _matches(patterns, path):
    """All end patterns that match `path`, not only the first one Django would pick."""
    for entry in patterns:
        match = entry.pattern.match(path)
        if match is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _matches(entry.url_patterns, match[0])
        else:
            yield entry


def _sample_address(name, converters) -> str:
    kwargs = {}
    for key, converter in converters.items():
        assert type(converter) in SAMPLES, f"{name}: add a sample for {type(converter).__name__}"
        kwargs[key] = SAMPLES[type(converter)]
    return reverse(name, kwargs=kwargs)


def _our_pages():
    """The pages of our apps, and every page config/urls.py routes itself."""
    top = get_resolver().url_patterns
    pages = []
    for pattern, name, converters in _leaves(top):
        if _is_ours(pattern) or pattern in top:
            assert name, f"give {pattern.pattern} a name, so that this test can check it"
            pages.append((pattern, name, converters))
    return pages


def test_url_map_every_page_resolves_back_to_itself():
    pages = _our_pages()
    assert len(pages) > 50  # the walk reached every app's pages
    wrong = []
    for _pattern, name, converters in pages:
        address = _sample_address(name, converters)
        if resolve(address).view_name != name:
            wrong.append(f"{address} is {resolve(address).view_name}, not {name}")
    assert wrong == []


def test_url_map_no_address_is_claimed_by_two_patterns():
    everything = get_resolver().url_patterns
    claimed_twice = []
    for pattern, name, converters in _our_pages():
        address = _sample_address(name, converters)
        claimants = list(_matches(everything, address.lstrip("/")))
        if claimants != [pattern]:
            claimed_twice.append(f"{address} ({name}): {[str(c.pattern) for c in claimants]}")
    assert claimed_twice == []


def test_config_urls_mounts_each_url_module_once_at_a_prefix_of_its_own():
    """No prefix is empty, repeated or the start of another: no module can shadow another's pages."""
    config = import_module("config.urls")
    prefixes = [
        str(entry.pattern) for entry in config.urlpatterns if isinstance(entry, URLResolver)
    ]
    assert prefixes, "config/urls.py mounts nothing?"
    shared = [
        (first, second)
        for i, first in enumerate(prefixes)
        for second in prefixes[i + 1 :]
        if first.startswith(second) or second.startswith(first)
    ]
    assert shared == []
    assert "" not in prefixes
    modules = [
        getattr(entry.urlconf_name, "__name__", None)
        for entry in config.urlpatterns
        if isinstance(entry, URLResolver)
    ]
    assert len(set(modules)) == len(modules)


def test_config_urls_mounts_every_url_module_of_the_apps():
    config = import_module("config.urls")
    mounted = {
        getattr(entry.urlconf_name, "__name__", None)
        for entry in config.urlpatterns
        if isinstance(entry, URLResolver)
    }
    modules = {
        ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
        for package in OUR_PACKAGES
        for path in (BASE_DIR / package).glob("urls/*.py")
        if path.stem not in {"__init__", "converters"}
    }
    assert modules - mounted == set()


def test_every_url_name_in_templates_and_code_is_a_page():
    """`{% url 'x' as var %}` hides a missing name (the link is just empty): names are checked here."""
    import re

    names = {name for _pattern, name, _converters in _leaves(get_resolver().url_patterns) if name}
    used = []
    for path in sorted((BASE_DIR / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"}:
            used += [
                (path, name)
                for name in re.findall(r"{%\s*url\s+['\"]([^'\"]+)['\"]", path.read_text())
            ]
    for package in OUR_PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            used += [
                (path, name)
                for name in re.findall(
                    r"reverse(?:_lazy)?\(\s*['\"]([^'\"]+)['\"]", path.read_text()
                )
                if ":" in name and not name.startswith("admin:")
            ]
    assert used, "the scan found no URL names at all"
    missing = [f"{path.relative_to(BASE_DIR)}: {name}" for path, name in used if name not in names]
    assert missing == []

"""List the msgids used in the given files that locale/pl/LC_MESSAGES/django.po lacks.

A helper for appending translations without makemessages (which rewrites the whole file):
    python scripts/po_missing.py projects/*.py templates/projects/**/*.html
Prints each missing msgid once (with its context, if any) as a .po stub for pl and en.
"""

import re
import sys
from pathlib import Path

PO = Path("locale/pl/LC_MESSAGES/django.po")
STRINGS = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'  # implicit concatenation: "a " "b"
PY_PATTERNS = [
    re.compile(r"(?<![\w.])_\(\s*" + STRINGS),
    re.compile(r"(?<!p)gettext(?:_lazy)?\(\s*" + STRINGS),
]
PATTERNS = [
    re.compile(r'\{%\s*translate\s+"((?:[^"\\]|\\.)*)"'),
    re.compile(r"\{%\s*translate\s+'((?:[^'\\]|\\.)*)'"),
]
CONTEXT = re.compile(r'pgettext(?:_lazy)?\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
BLOCK = re.compile(r"\{%\s*blocktranslate[^%]*%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S)


def known() -> set[tuple[str, str]]:
    text = PO.read_text()
    entries = set()
    for block in text.split("\n\n"):
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if mid:
            joined = "".join(re.findall(r'"(.*)"', mid.group(1)))
            entries.add((ctx.group(1) if ctx else "", joined))
    return entries


def main(paths):
    have = known()
    seen = set()
    for path in paths:
        text = Path(path).read_text()
        found = [("", m) for p in PATTERNS for m in p.findall(text)]
        found += [
            ("", "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m)))
            for p in PY_PATTERNS
            for m in p.findall(text)
        ]
        found += [(c, m) for c, m in CONTEXT.findall(text)]
        for body in BLOCK.findall(text):
            body = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body)
            found.append(("", body.replace('"', '\\"').replace("\n", "\\n")))
        for ctx, msgid in found:
            if (ctx, msgid) in have or (ctx, msgid) in seen:
                continue
            seen.add((ctx, msgid))
            print(f"#: {path}")
            if ctx:
                print(f'msgctxt "{ctx}"')
            print(f'msgid "{msgid}"\nmsgstr ""\n')


if __name__ == "__main__":
    main(sys.argv[1:])

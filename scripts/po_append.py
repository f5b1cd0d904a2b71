"""Append translations to both catalogues without makemessages (which rewrites the files).

    python scripts/po_append.py translations.py
where translations.py defines T = {msgid: Polish text, (context, msgid): Polish text}.
Entries already in a catalogue are skipped; English gets msgstr "" (the msgid shows).
"""

import runpy
import sys
from pathlib import Path


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    translations = runpy.run_path(path)["T"]
    for language in ("pl", "en"):
        po = Path(f"locale/{language}/LC_MESSAGES/django.po")
        text = po.read_text()
        added = []
        for key, polish in translations.items():
            context, msgid = key if isinstance(key, tuple) else ("", key)
            head = (f"msgctxt {quote(context)}\n" if context else "") + f"msgid {quote(msgid)}\n"
            if head in text:
                continue
            flag = "#, python-format\n" if "%(" in msgid else ""
            added.append(f"{flag}{head}msgstr {quote(polish if language == 'pl' else '')}\n")
        if added:
            po.write_text(text.rstrip("\n") + "\n\n" + "\n".join(added))
        print(f"{language}: {len(added)} added")


if __name__ == "__main__":
    main(sys.argv[1])

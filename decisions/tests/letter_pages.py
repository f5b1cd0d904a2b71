"""Reading a letter back page by page with pdftotext, as someone turning its pages would."""

import shutil
import subprocess
import tempfile
from pathlib import Path

FOOTER_PREFIXES = ("strona ", "page ")  # "strona 2 z 2", the page number in the footer


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext splits pages with a form feed)."""
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext (poppler-utils) is not installed"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(  # noqa: S603 (a fixed poppler-utils program, on a file written here)
            [executable, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return [page for page in text.split("\f") if page.strip()]


def page_lines(page: str) -> list[str]:
    return [
        " ".join(line.split())
        for line in page.splitlines()
        if line.strip() and not line.strip().lower().startswith(FOOTER_PREFIXES)
    ]


def pages_with_only_the_signature(pdf: bytes, signature: list[str]) -> list[int]:
    """Numbers (from 1) of the pages whose every line is part of the signature block."""
    wanted = {" ".join(line.split()) for line in signature if line}
    return [
        number
        for number, page in enumerate(pages_text(pdf), start=1)
        if page_lines(page) and set(page_lines(page)) <= wanted
    ]


def page_of(pdf: bytes, words: str) -> int | None:
    """The number of the first page showing `words` (spacing aside), or None."""
    wanted = " ".join(words.split())
    for number, page in enumerate(pages_text(pdf), start=1):
        if wanted in " ".join(page.split()):
            return number
    return None

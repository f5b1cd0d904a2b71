"""Text folded for searching, the same way on every database.

"Łódź", "LODZ" and "lodz" all fold to "lodz", and "AC/2026/0042" to "ac 2026 0042": a
column kept folded (and a query folded alike) is searched with one plain LIKE, whatever
the database's collation or extensions (SQLite's LIKE ignores the case of ASCII letters
only; PostgreSQL's not even that).
"""

import re
import unicodedata

# Letters that NFKD does not take apart into a base letter and a mark: Polish "ł" above all.
UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i", "æ": "ae", "Æ": "AE"}
)
WORD = re.compile(r"[^\W_]+")
# Between the parts of a stored text: a folded query never holds it, so no match spans two parts.
PART_SEPARATOR = " | "


def search_fold(text: str) -> str:
    """`text` in lower case, without diacritics, its words (letters and digits) one space apart."""
    decomposed = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSED))
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(WORD.findall(bare.casefold()))


def searchable_text(*parts: str) -> str:
    """The stored search text of a row made of `parts` (empty ones left out)."""
    return PART_SEPARATOR.join(filter(None, (search_fold(part or "") for part in parts)))

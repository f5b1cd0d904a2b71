"""Office files are ZIP archives: bombs, crowds of entries and archives inside archives are refused.

Every attack goes through the applicant's upload page (what a hostile applicant
can reach) or through attachment_check() itself, and the memory the check takes
is measured while it runs: it must stay flat whatever the file claims.
"""

import resource
import tracemalloc
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.models import Attachment
from applicants.tests.archives import (
    GIB,
    MIB,
    crafted_zip,
    deflated,
    docx_bytes,
    docx_entries,
    odt_bytes,
    stored,
    xlsx_bytes,
    zeros,
)
from applicants.tests.builders import complete_draft
from applicants.uploads import DOCX, ODS, ODT, XLSX, attachment_check

pytestmark = pytest.mark.django_db

# What the check may take while it runs, whatever the file holds or claims.
MEMORY_LIMIT = 50 * MIB

BOMB_MESSAGE = "po rozpakowaniu byłaby wielokrotnie większa"
NESTED_MESSAGE = "ma w środku spakowane inne archiwum"
TOO_MANY_MESSAGE = "zawiera w środku ponad 1000 spakowanych plików"
UNREADABLE_MESSAGE = "spakowany lub zaszyfrowany w sposób"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Measured:
    """Growth of traced Python memory and of the process's peak RSS while a block ran."""

    traced_peak: int = 0
    rss_growth: int = 0


@contextmanager
def memory_growth():
    measured = Measured()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        yield measured
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        measured.traced_peak = peak - baseline
        measured.rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before


def refusal(name: str, content: bytes) -> tuple[ValidationError, Measured]:
    """Run the check on `content`, expecting a refusal; return it and the memory it took."""
    with memory_growth() as measured, pytest.raises(ValidationError) as refused:
        attachment_check(SimpleUploadedFile(name, content), max_mb=10)
    return refused.value, measured


def upload(client, application, name: str, content: bytes):
    return client.post(
        reverse("applicants:attachments", args=[application.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def file_errors(response) -> str:
    return " ".join(response.context["form"].errors["file"])


def gigabyte_bomb(shape: str) -> bytes:
    """Under 1 KB, unpacking to 1 GiB: bzip2 squeezes a gigabyte of zeros into 785 bytes."""
    entry = zeros("mimetype", GIB, method=zipfile.ZIP_BZIP2)
    if shape == "odt":
        return crafted_zip([entry])
    return crafted_zip([entry.named("[Content_Types].xml"), stored("word/", b"")])


# --- the gigabyte bomb ---------------------------------------------------------------


@pytest.mark.parametrize("shape", ["odt", "docx"])
def test_upload_page_refuses_a_gigabyte_bomb_under_a_kilobyte_with_flat_memory(client, shape):
    bomb = gigabyte_bomb(shape)
    assert len(bomb) < 1024
    with zipfile.ZipFile(SimpleUploadedFile("x", bomb)) as archive:
        assert sum(info.file_size for info in archive.infolist()) == GIB
    application = complete_draft()
    client.force_login(application.applicant)
    with memory_growth() as measured:
        response = upload(client, application, f"wniosek.{shape}", bomb)
    assert response.status_code == 400
    assert BOMB_MESSAGE in file_errors(response)
    assert f"„wniosek.{shape}”" in response.text
    assert not Attachment.objects.exists()
    assert measured.traced_peak < MEMORY_LIMIT
    assert measured.rss_growth < MEMORY_LIMIT


@pytest.mark.parametrize("shape", ["odt", "docx"])
def test_attachment_check_refuses_a_gigabyte_bomb_with_flat_memory(shape):
    error, measured = refusal(f"bomba.{shape}", gigabyte_bomb(shape))
    assert error.code == "archive_bomb"
    assert BOMB_MESSAGE in error.messages[0]
    assert measured.traced_peak < MEMORY_LIMIT
    assert measured.rss_growth < MEMORY_LIMIT


# --- deflate bombs, as office programs would compress them ------------------------


def test_upload_page_refuses_an_odt_whose_mimetype_entry_is_a_bomb(client):
    # 64 MiB of zeros deflated to 64 KB: the entry is read for the file's type.
    bomb = crafted_zip([zeros("mimetype", 64 * MIB), deflated("content.xml", b"<x/>")])
    application = complete_draft()
    client.force_login(application.applicant)
    with memory_growth() as measured:
        response = upload(client, application, "opis.odt", bomb)
    assert response.status_code == 400
    assert BOMB_MESSAGE in file_errors(response)
    assert not Attachment.objects.exists()
    assert measured.traced_peak < MEMORY_LIMIT


def test_upload_page_refuses_a_docx_whose_document_is_a_bomb(client):
    bomb = crafted_zip([*docx_entries()[:2], zeros("word/document.xml", 64 * MIB)])
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "opis.docx", bomb)
    assert response.status_code == 400
    assert BOMB_MESSAGE in file_errors(response)
    assert "word/document.xml" not in file_errors(response)  # the applicant needs no internals
    assert not Attachment.objects.exists()


def test_attachment_check_refuses_many_small_entries_that_add_up_to_a_bomb():
    # Each entry declares 1 MiB, under the per-entry grace; together 300 MiB from ~300 KB.
    entries = [zeros(f"word/media/part{index}.xml", MIB) for index in range(300)]
    error, _ = refusal("raport.docx", crafted_zip([*docx_entries(), *entries]))
    assert error.code == "archive_bomb"


def test_attachment_check_reads_only_a_little_of_an_entry_that_lies_about_its_size():
    # The mimetype entry claims 39 bytes but holds 64 MiB of deflated zeros.
    liar = zeros("mimetype", 64 * MIB).declaring(39)
    error, measured = refusal("opis.odt", crafted_zip([liar]))
    assert error.code == "bad_type"
    assert measured.traced_peak < MEMORY_LIMIT


def test_attachment_check_refuses_entries_that_share_their_bytes():
    # Two directory records pointing at one compressed block: how the smallest bombs
    # repeat a block without storing it twice.
    entries = [*docx_entries(), deflated("word/a.xml", b"<a/>" * 100), deflated("word/b.xml", b"")]
    plain = crafted_zip(entries)
    with zipfile.ZipFile(SimpleUploadedFile("x", plain)) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    offsets[-1] = offsets[-2]
    error, _ = refusal("raport.docx", crafted_zip(entries, offsets=offsets))
    assert error.code == "archive_bomb"


# --- other compression, encryption --------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_upload_page_refuses_compression_office_programs_never_use(client, method):
    # Even with a modest ratio: zipfile unpacks these without any bound on the output.
    entries = docx_entries()
    entries[2] = replace(entries[2], method=method)
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "opis.docx", crafted_zip(entries))
    assert response.status_code == 400
    assert UNREADABLE_MESSAGE in file_errors(response)


def test_attachment_check_refuses_an_encrypted_entry():
    entries = docx_entries()
    entries[2] = replace(entries[2], flags=0x1)
    error, _ = refusal("opis.docx", crafted_zip(entries))
    assert error.code == "archive_unreadable"


# --- too many entries ---------------------------------------------------------------


def test_upload_page_refuses_a_document_with_more_than_1000_entries(client):
    entries = [stored(f"word/media/p{index}.xml", b"<p/>") for index in range(1001 - 3)]
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "opis.docx", docx_bytes(*entries))
    assert response.status_code == 400
    assert TOO_MANY_MESSAGE in file_errors(response)
    assert not Attachment.objects.exists()


def test_attachment_check_accepts_a_document_with_exactly_1000_entries():
    entries = [stored(f"word/media/p{index}.xml", b"<p/>") for index in range(1000 - 3)]
    checked = attachment_check(SimpleUploadedFile("opis.docx", docx_bytes(*entries)), max_mb=10)
    assert checked.content_type == DOCX[1]


def test_attachment_check_refuses_a_huge_directory_before_loading_it():
    # 40,000 entries: the directory alone would make 40,000 objects in memory.
    entries = [stored(f"{index}", b"") for index in range(40_000)]
    content = crafted_zip([*docx_entries(), *entries])
    error, measured = refusal("opis.docx", content)
    assert error.code == "archive_too_many_entries"
    assert measured.traced_peak < 2 * MIB


# --- archives inside archives -------------------------------------------------------


def gzip_bytes() -> bytes:
    import gzip

    return gzip.compress(b"<x/>")


def tar_bytes() -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("a.txt")
        archive.addfile(info, io.BytesIO(b""))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entry_name", "content"),
    [
        ("word/media/image1.png", "zip"),
        ("word/media/image2.png", "gzip"),
        ("word/media/image3.png", "tar"),
        ("word/attachments/dane.zip", "text"),
        ("customXml/item1.xml", "zip"),
    ],
    ids=["zip-as-png", "gzip-as-png", "tar-as-png", "named-zip", "zip-as-xml"],
)
def test_upload_page_refuses_a_docx_with_an_archive_inside(client, entry_name, content):
    inner = {
        "zip": docx_bytes(),
        "gzip": gzip_bytes(),
        "tar": tar_bytes(),
        "text": b"plain text",
    }[content]
    application = complete_draft()
    client.force_login(application.applicant)
    response = upload(client, application, "opis.docx", docx_bytes(deflated(entry_name, inner)))
    assert response.status_code == 400
    assert NESTED_MESSAGE in file_errors(response)
    assert f"({entry_name})" in file_errors(response)
    assert not Attachment.objects.exists()


def test_attachment_check_refuses_an_odt_with_an_archive_inside():
    # ODF keeps embedded objects as folders of the same ZIP: an archive is never needed.
    error, _ = refusal("opis.odt", odt_bytes(stored("Object 1/data.xlsx", xlsx_bytes())))
    assert error.code == "archive_nested"


def test_attachment_check_accepts_a_word_chart_with_its_embedded_workbook():
    chart = stored("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_bytes())
    checked = attachment_check(SimpleUploadedFile("wykres.docx", docx_bytes(chart)), max_mb=10)
    assert (checked.extension, checked.content_type) == DOCX


def test_attachment_check_refuses_an_embedded_workbook_that_holds_another_archive():
    workbook = crafted_zip([*docx_entries(), stored("xl/media/image1.png", docx_bytes())])
    chart = stored("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook)
    error, _ = refusal("wykres.docx", docx_bytes(chart))
    assert error.code == "archive_nested"
    assert "word/embeddings/Microsoft_Excel_Worksheet.xlsx" in error.messages[0]


def test_attachment_check_refuses_an_embedded_workbook_that_is_a_bomb():
    chart = stored("word/embeddings/Microsoft_Excel_Worksheet.xlsx", gigabyte_bomb("docx"))
    error, measured = refusal("wykres.docx", docx_bytes(chart))
    assert error.code == "archive_bomb"
    assert measured.traced_peak < MEMORY_LIMIT


def test_attachment_check_refuses_an_embedded_package_too_big_to_check():
    # 4 MiB of incompressible bytes, honestly declared: above what is read of an embedding.
    noise = stored("noise.bin", bytes(range(256)) * (16 * 1024))
    big = crafted_zip([*docx_entries(), noise])
    chart = stored("word/embeddings/Microsoft_Excel_Worksheet.xlsx", big)
    error, measured = refusal("wykres.docx", docx_bytes(chart))
    assert error.code == "archive_nested"
    assert measured.traced_peak < MEMORY_LIMIT


# --- real documents still go through ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("opis.docx", docx_bytes(), DOCX),
        ("kosztorys.xlsx", xlsx_bytes(rows=2000), XLSX),
        ("opis.odt", odt_bytes(), ODT),
        (
            "kosztorys.ods",
            odt_bytes(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
            ODS,
        ),
    ],
    ids=["docx", "xlsx", "odt", "ods"],
)
def test_attachment_check_recognises_office_files_by_their_content(name, content, expected):
    checked = attachment_check(SimpleUploadedFile(name, content), max_mb=10)
    assert (checked.extension, checked.content_type) == expected

import io
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

import pypdf
import pytest
import weasyprint
from django.conf import settings

from core.pdf import FetchRefused, StaticFilesURLFetcher, render_pdf, static_base_url

STATIC_DIR = Path(settings.STATICFILES_DIRS[0])
LOGO = STATIC_DIR / "img" / "logo.svg"


def _poppler(command: str, *args: str) -> str:
    """The output of a poppler-utils command (installed wherever the tests run)."""
    executable = shutil.which(command)
    assert executable, f"{command} (poppler-utils) is not installed"
    return subprocess.run(  # noqa: S603 (a fixed poppler-utils program, run on a file the test wrote)
        [executable, *args], capture_output=True, text=True, check=True
    ).stdout


class _HitCountingServer(ThreadingHTTPServer):
    """Counts every connection, so a request that never completes still counts."""

    hits = 0

    def verify_request(self, request, client_address):
        self.hits += 1
        return True


class _TinyHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"body { color: red }" if self.path.endswith(".css") else b"hello"
        content_type = "text/css" if self.path.endswith(".css") else "text/plain"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_server():
    """A local HTTP server on a free port that counts the connections it gets."""
    server = _HitCountingServer(("127.0.0.1", 0), _TinyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with urlopen(f"http://127.0.0.1:{server.server_port}/ping", timeout=5) as response:
        assert response.read() == b"hello"  # the counter works ...
    assert server.hits == 1
    server.hits = 0  # ... and starts from zero for the test
    yield server
    server.shutdown()
    server.server_close()


def _html_fetching_from(origin: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="pl"><head>
<title>Fetch test</title>
<link rel="stylesheet" href="{origin}/c.css">
<link rel="attachment" href="{origin}/d.txt">
<style>
  @import url({origin}/a.css);
  @font-face {{ font-family: Remote; src: url({origin}/f.ttf); }}
  body {{ background: url({origin}/b.png); }}
</style>
</head><body>
<p>Tekst</p>
<img src="{origin}/x.png" alt="">
</body></html>"""


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_render_pdf_makes_no_request_to_http_urls(http_server):
    html = _html_fetching_from(f"http://127.0.0.1:{http_server.server_port}")
    weasyprint.HTML(string=html).write_pdf()  # WeasyPrint's own fetcher ...
    assert http_server.hits > 0  # ... would have fetched from the server
    http_server.hits = 0

    render_pdf(html, title="Fetch test")

    assert http_server.hits == 0


def test_render_pdf_does_not_read_files_outside_static(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("ten-sekret-nie-moze-trafic-do-pdf-4f1c")
    html = (
        '<html><head><link rel="attachment" href="file:///etc/hostname">'
        f'<link rel="attachment" href="{secret.as_uri()}"></head>'
        '<body><p>Tekst</p><img src="file:///etc/passwd" alt=""></body></html>'
    )
    unsafe = pypdf.PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    # WeasyPrint's own fetcher would embed both files.
    assert set(unsafe.attachments) == {"hostname", "secret.txt"}

    pdf = render_pdf(html, title="Files")

    assert b"ten-sekret" not in pdf
    assert dict(pypdf.PdfReader(io.BytesIO(pdf)).attachments) == {}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
        "file:///etc/passwd",
        "file://otherhost/static/img/logo.svg",
        f"{static_base_url()}../../../../../../etc/passwd",
        f"{static_base_url()}img/../../../../../../etc/passwd",
        f"{static_base_url()}..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        f"{static_base_url()}/etc/passwd",
        f"{LOGO.parent.as_uri()}/../../config/settings.py",
        Path(settings.BASE_DIR, "config", "settings.py").as_uri(),
    ],
)
def test_static_files_url_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(FetchRefused):
        StaticFilesURLFetcher().fetch(url)


def test_static_files_url_fetcher_refuses_symlink_out_of_static(settings, tmp_path):
    (tmp_path / "escape.txt").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [tmp_path]

    with pytest.raises(FetchRefused):
        StaticFilesURLFetcher().fetch(f"{static_base_url()}escape.txt")


@pytest.mark.parametrize("url", [f"{static_base_url()}img/logo.svg", LOGO.as_uri()])
def test_static_files_url_fetcher_serves_static_file(url):
    response = StaticFilesURLFetcher().fetch(url)

    assert response.read() == LOGO.read_bytes()
    assert response.content_type == "image/svg+xml"


def test_static_files_url_fetcher_serves_data_uri():
    response = StaticFilesURLFetcher().fetch("data:text/plain;base64,WmHFvMOzxYLEhw==")

    assert response.read() == "Zażółć".encode()


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    html = (
        '<!DOCTYPE html><html lang="pl"><head><title>Inny tytuł</title></head><body>'
        '<img src="/static/img/logo.svg" alt="Mikrogranty">'
        "<h1>Próbka</h1><p>Zażółć gęślą jaźń</p>"
        "<table><tr><th>Pozycja</th><td>1 234,50 zł</td></tr></table>"
        "</body></html>"
    )
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(render_pdf(html, title="Wniosek AK/2027/0042 – Łąka", author="Fundacja Ćma"))
    return path


def test_render_pdf_keeps_polish_diacritics(sample_pdf):
    assert "Zażółć gęślą jaźń" in _text(sample_pdf.read_bytes())


def test_render_pdf_numbers_pages_in_polish(sample_pdf):
    assert "strona 1 z 1" in _text(sample_pdf.read_bytes())


def test_render_pdf_is_tagged_pdfa(sample_pdf):
    meta = _poppler("pdfinfo", "-meta", str(sample_pdf))
    info = _poppler("pdfinfo", str(sample_pdf))

    assert 'pdfaid:part="3"' in meta
    assert 'pdfaid:conformance="U"' in meta
    assert "Tagged:          yes" in info


def test_render_pdf_embeds_every_font(sample_pdf):
    output = _poppler("pdffonts", str(sample_pdf))
    fonts = output.splitlines()[2:]  # after the header and its rule

    assert fonts, output
    # Columns from the right: emb sub uni object-number generation (names may contain spaces).
    assert all(line.split()[-5] == "yes" for line in fonts), output


def test_render_pdf_sets_title_author_and_language(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf)

    assert reader.metadata.title == "Wniosek AK/2027/0042 – Łąka"
    assert reader.metadata.author == "Fundacja Ćma"
    assert reader.trailer["/Root"]["/Lang"] == "pl"

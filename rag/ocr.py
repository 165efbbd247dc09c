"""OCR of scanned PDF pages: `pdftoppm` (poppler-utils) renders a page, Tesseract's Vietnamese model reads it.

Both are Debian packages (`poppler-utils`, `tesseract-ocr`, `tesseract-ocr-vie`) installed by scripts/install.sh
and the Dockerfile; they are called as subprocesses. Cost is bounded: at most `OCR_MAX_PAGES` pages per document,
`OCR_PAGE_TIMEOUT_S` seconds per page (render + recognition, the child is killed past it), pages rendered with the
long side scaled to `OCR_LONG_SIDE_PX` (an A4 page at 300 dpi) whatever the page size, and Tesseract limited to one
thread so an upload cannot take every core of the server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

OCR_LANG = "vie"
OCR_MAX_PAGES = 50
OCR_PAGE_TIMEOUT_S = 90.0
OCR_LONG_SIDE_PX = 3508  # A4 at 300 dpi, Tesseract's sweet spot
_PROBE_TIMEOUT_S = 20.0


class OcrError(Exception):
    """A page could not be recognised (tool failed or timed out); str() is English, for logs."""


def ocr_unavailable() -> str | None:
    """Why OCR cannot run here (English, for logs), or None when pdftoppm and Tesseract with 'vie' are present."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (Debian poppler-utils) is not installed"
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "tesseract (Debian tesseract-ocr) is not installed"
    try:
        probe = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run ({type(exc).__name__}: {exc})"
    langs = {line.strip() for line in (probe.stdout + probe.stderr).decode("utf-8", "replace").splitlines()}
    if OCR_LANG not in langs:
        return f"the Tesseract '{OCR_LANG}' model (Debian tesseract-ocr-{OCR_LANG}) is not installed"
    return None


def _run(cmd: list[str], deadline: float, what: str, env: dict[str, str] | None = None) -> bytes:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrError(f"{what}: page time limit ({OCR_PAGE_TIMEOUT_S:.0f} s) reached")
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=left, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"{what}: page time limit ({OCR_PAGE_TIMEOUT_S:.0f} s) reached") from exc
    except OSError as exc:
        raise OcrError(f"{what}: {type(exc).__name__}: {exc}") from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()[-300:]
        raise OcrError(f"{what} exited with {done.returncode}: {err}")
    return done.stdout


def ocr_pdf_page(pdf: Path, page: int, *, timeout_s: float = OCR_PAGE_TIMEOUT_S) -> str:
    """The text Tesseract reads on 1-based `page` of the PDF file `pdf` (NFC, no form feed)."""
    deadline = time.monotonic() + timeout_s
    with tempfile.TemporaryDirectory(prefix="planbot-ocr-") as tmp:
        stem = Path(tmp) / "page"
        _run(
            ["pdftoppm", "-f", str(page), "-l", str(page), "-singlefile", "-gray", "-png",
             "-scale-to", str(OCR_LONG_SIDE_PX), str(pdf), str(stem)],
            deadline,
            f"pdftoppm page {page}",
        )
        image = stem.with_suffix(".png")
        if not image.exists():
            raise OcrError(f"pdftoppm page {page}: no image written")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        out = _run(
            ["tesseract", str(image), "stdout", "-l", OCR_LANG, "--psm", "3"], deadline, f"tesseract page {page}", env
        )
    text = unicodedata.normalize("NFC", out.decode("utf-8", "replace")).replace("\f", "")
    return "\n".join(line.rstrip() for line in text.splitlines())

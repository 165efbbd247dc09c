"""Documents: list, detail, section text, upload (admin) and delete (admin)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import httpx
import pytest

from tests.api.conftest import FakeAssistant, LiveServer

pytestmark = pytest.mark.unit

ADMIN, READER = "khoa-quan-tri", "khoa-doc"


def docx_bytes(text: str) -> bytes:
    """A minimal valid .docx (zip) container."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


@pytest.fixture
def keyed(serve: Callable[..., LiveServer], fake: FakeAssistant) -> LiveServer:
    return serve(fake, api_keys=[READER], admin_api_keys=[ADMIN], max_upload_bytes=4096)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_list_detail_and_section(client: httpx.Client) -> None:
    docs = client.get("/v1/documents").json()["documents"]
    assert {d["doc_id"] for d in docs} >= {"lai-chau-464", "soc-trang-374"}
    detail = client.get("/v1/documents/lai-chau-464").json()
    assert detail["meta"]["number"] == "464/KH-LĐLĐ"
    assert [s["section_id"] for s in detail["outline"]] == ["s1", "s2"]
    section = client.get("/v1/documents/lai-chau-464/sections/s2").json()
    assert "35-NQ/TW" in section["text"]
    assert client.get("/v1/documents/lai-chau-464/sections/s99").status_code == 404
    assert client.get("/v1/documents/khong-co").status_code == 404


def test_upload_txt_as_admin(keyed: LiveServer) -> None:
    data = "KẾ HOẠCH tuyên truyền thử nghiệm\nI. MỤC ĐÍCH\nNâng cao nhận thức.".encode()
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post("/v1/documents", files={"file": ("ke-hoach-thu.txt", data, "text/plain")})
        assert r.status_code == 201, r.text
        assert r.json()["report"]["added"] == 1
        assert r.json()["document"]["doc_id"] == "ke-hoach-thu"
        assert "ke-hoach-thu" in {d["doc_id"] for d in c.get("/v1/documents").json()["documents"]}
        assert c.delete("/v1/documents/ke-hoach-thu").status_code == 204
        assert c.delete("/v1/documents/ke-hoach-thu").status_code == 404


def test_upload_valid_docx(keyed: LiveServer) -> None:
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post(
            "/v1/documents",
            files={"file": ("ke-hoach.docx", docx_bytes("Kế hoạch"), "application/octet-stream")},
        )
    assert r.status_code == 201, r.text


def test_upload_path_is_reduced_to_a_base_name(keyed: LiveServer, fake: FakeAssistant) -> None:
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post("/v1/documents", files={"file": ("../../etc/ke-hoach-x.txt", b"Noi dung", "text/plain")})
    assert r.status_code == 201
    assert fake.docs["ke-hoach-x"][0].filename == "ke-hoach-x.txt"


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("virus.exe", b"MZ...", 415, "unsupported_document"),
        ("anh.png", b"\x89PNG", 415, "unsupported_document"),
        ("hong.docx", b"this is not a zip file", 422, "unreadable_document"),
        ("hong.pdf", b"not a pdf", 422, "unreadable_document"),
        ("sai-ma.txt", b"\xff\xfe\xfa invalid utf-8 \xc3", 422, "unreadable_document"),
        ("rong.txt", b"   ", 422, "unreadable_document"),
        ("lon.txt", b"a" * 5000, 413, "payload_too_large"),
    ],
)
def test_bad_uploads_are_4xx(keyed: LiveServer, name: str, data: bytes, status: int, code: str) -> None:
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post("/v1/documents", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


def test_upload_far_over_the_limit_is_cut_off(keyed: LiveServer) -> None:
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post("/v1/documents", files={"file": ("lon.txt", b"a" * 200_000, "text/plain")})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_upload_without_file_field(keyed: LiveServer) -> None:
    with keyed.client(headers=auth(ADMIN)) as c:
        r = c.post("/v1/documents", files={"tep": ("a.txt", b"x", "text/plain")})
        assert r.status_code == 422
        assert "file" in r.json()["error"]["message"]
        r = c.post("/v1/documents", content=b"garbage", headers={"Content-Type": "multipart/form-data; boundary=zz"})
        assert 400 <= r.status_code < 500


def test_upload_and_delete_need_admin(keyed: LiveServer) -> None:
    files = {"file": ("a.txt", b"Ke hoach", "text/plain")}
    with keyed.client() as anon, keyed.client(headers=auth(READER)) as reader:
        assert anon.post("/v1/documents", files=files).status_code == 401
        r = reader.post("/v1/documents", files=files)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "forbidden"
        assert reader.delete("/v1/documents/lai-chau-464").status_code == 403
        assert reader.get("/v1/documents").status_code == 200

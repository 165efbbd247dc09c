"""Document uploads over the fake Bot API: admins ingest, others are refused."""

from __future__ import annotations

from typing import Any

import pytest

from bot.texts import (
    UPLOAD_DENIED,
)
from rag.errors import UnsupportedDocumentError
from tests.bot.conftest import (
    ADMIN,
    USER,
    BotHarness,
    reply_text_to,
)


@pytest.mark.integration
def test_admin_uploads_a_document(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        data = "KẾ HOẠCH\n\nI. MỤC ĐÍCH\n\n1. Tuyên truyền <mới>.".encode()
        h.api.files["doc1"] = data
        document = {
            "file_id": "doc1",
            "file_unique_id": "udoc1",
            "file_name": "ke-hoach-moi.txt",
            "mime_type": "text/plain",
            "file_size": len(data),
        }
        upload = h.api.new_message(None, user_id=ADMIN, document=document)
        h.api.push({"message": upload})
        done = await reply_text_to(h.api, ADMIN, upload["message_id"], "Đã nạp tài liệu")
        assert "ke-hoach-moi.txt" in done["text"] and "Mục: 3" in done["text"]
        assert h.assistant.ingested == [("ke-hoach-moi.txt", data)]
        assert h.api.of("getFile")[0].params["file_id"] == "doc1"

        # the content of an indexed document under another name: reported, not indexed twice
        copy = b"ke-hoach-a"  # the fake's documents hash their id
        h.api.files["doc3"] = copy
        dup = h.api.new_message(None, user_id=ADMIN, document={**document, "file_id": "doc3",
                                                               "file_name": "ban-sao.txt", "file_size": len(copy)})
        h.api.push({"message": dup})
        said = await reply_text_to(h.api, ADMIN, dup["message_id"], "đã có trong hệ thống")
        assert "ke-hoach-a" in said["text"] and "ban-sao.txt" in said["text"]
        assert len(h.assistant.ingested) == 1

        bad = h.api.new_message(None, user_id=ADMIN, document={**document, "file_name": "virus.exe"})
        h.api.push({"message": bad})
        await reply_text_to(h.api, ADMIN, bad["message_id"], UnsupportedDocumentError.user_message)
        assert len(h.assistant.ingested) == 1

    run_bot(scenario)


@pytest.mark.integration
def test_non_admin_upload_is_refused(run_bot: Any) -> None:
    async def scenario(h: BotHarness) -> None:
        h.api.files["doc2"] = b"noi dung"
        upload = h.api.new_message(
            None,
            user_id=USER,
            document={"file_id": "doc2", "file_unique_id": "u2", "file_name": "a.txt", "file_size": 8},
        )
        h.api.push({"message": upload})
        await reply_text_to(h.api, USER, upload["message_id"], UPLOAD_DENIED)
        assert h.assistant.ingested == []
        assert not h.api.of("getFile")

    run_bot(scenario)

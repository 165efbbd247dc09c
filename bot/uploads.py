"""Uploaded documents: admins get them ingested and confirmed with counts; others a polite refusal."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Update

from bot.access import AccessPolicy
from bot.context import BotContext
from bot.formatting import escape
from bot.messaging import mark_notified, reply, safe_edit, typing, user_message
from bot.texts import (
    UPLOAD_COUNTS,
    UPLOAD_DENIED,
    UPLOAD_DONE,
    UPLOAD_DUPLICATE,
    UPLOAD_INDEX,
    UPLOAD_SKIPPED,
    UPLOAD_STARTED,
    UPLOAD_TOO_BIG,
)
from rag.assistant import Assistant, content_holder
from rag.config import Settings
from rag.errors import UnsupportedDocumentError
from rag.types import IngestReport

logger = logging.getLogger(__name__)

MAX_TELEGRAM_DOWNLOAD = 20 * 1024 * 1024  # getFile limit of the public Bot API
UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".docx", ".pdf"})


def format_report(name: str, report: IngestReport) -> str:
    """What an ingestion did, in a few lines (HTML)."""
    lines = [
        UPLOAD_DONE.format(name=escape(name)),
        UPLOAD_COUNTS.format(documents=report.documents, added=report.added, replaced=report.replaced,
                             unchanged=report.unchanged),
        UPLOAD_INDEX.format(sections=report.sections, chunks=report.chunks, directives=report.directives),
    ]
    if report.skipped:
        lines.append(UPLOAD_SKIPPED.format(skipped=escape("; ".join(report.skipped))))
    return "\n".join(lines)


class Uploads:
    """The document handler."""

    def __init__(self, settings: Settings, assistant: Assistant, access: AccessPolicy) -> None:
        self.settings = settings
        self.assistant = assistant
        self.access = access

    async def on_document(self, update: Update, context: BotContext) -> None:
        """Check the sender, the type and the size; download; refuse duplicates; ingest; report."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        user_id = update.effective_user.id if update.effective_user else None
        if not self.access.is_admin(user_id):
            await reply(message, UPLOAD_DENIED)
            return
        document = message.document
        name = Path(document.file_name or "tai-lieu.txt").name
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            await reply(message, escape(UnsupportedDocumentError.user_message))
            return
        max_bytes = min(self.settings.max_upload_bytes, MAX_TELEGRAM_DOWNLOAD)
        too_big = UPLOAD_TOO_BIG.format(mb=max_bytes // (1024 * 1024))
        if document.file_size is not None and document.file_size > max_bytes:
            await reply(message, too_big)
            return
        status = await reply(message, UPLOAD_STARTED.format(name=escape(name)))
        try:
            await typing(context.bot, message)
            telegram_file = await document.get_file()
            data = bytes(await telegram_file.download_as_bytearray())
            if len(data) > max_bytes:
                await status.edit_text(too_big)
                return
            holder = content_holder(await asyncio.to_thread(self.assistant.list_documents), name, data)
            if holder is not None:
                await safe_edit(status, escape(UPLOAD_DUPLICATE.format(
                    name=name, doc_id=holder.doc_id, filename=holder.filename)))
                return
            report = await asyncio.to_thread(self.assistant.ingest_bytes, name, data)
        except Exception as exc:
            await safe_edit(status, escape(user_message(exc)))
            raise mark_notified(exc) from None
        logger.info("Admin %s ingested %s: %s", user_id, name, report)
        await safe_edit(status, format_report(name, report))

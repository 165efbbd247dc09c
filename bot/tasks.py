"""/viec <đơn vị>: who does what by when, from the task tables of the ingested plans (no model call)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.formatting import escape, split_message
from bot.texts import TASKS_HEADER, TASKS_NONE, TASKS_REPORT, TASKS_USAGE
from rag.tasks import PlanTasks, filter_plans, plans_of
from rag.tasks_answer import show_deadline


def format_tasks(agency: str, plans: Sequence[PlanTasks]) -> str:
    """HTML: per plan, per agency, each duty verbatim with its deadlines (as written → normalised) and reports."""
    duties = sum(len(a.duties) for p in plans for a in p.agencies)
    parts = [TASKS_HEADER.format(agency=escape(agency), duties=duties, plans=len(plans))]
    for plan in plans:
        for item in plan.agencies:
            lines = [f"📄 <b>{escape(plan.doc_title)}</b>",
                     f"<i>{escape(item.agency)} — {escape(item.section_path)}</i>"]
            for duty in item.duties:
                notes = [show_deadline(d) for d in duty.deadlines]
                if duty.report and duty.report.to:
                    notes.append(TASKS_REPORT.format(to=duty.report.to)
                                 + (f" ({duty.report.via})" if duty.report.via else ""))
                line = f"• {escape(duty.text)}"
                if notes:
                    line += f"\n  ⏰ {escape('; '.join(notes))}"
                lines.append(line)
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def find_tasks(assistant: Any, agency: str) -> list[PlanTasks]:
    """The plans' duties for this agency (blocking: catalog reads and, on first use, extraction)."""
    return filter_plans(plans_of(assistant.catalog.documents()), agency=agency)


async def reply_tasks(assistant: Any, agency: str, reply: Callable[[str], Awaitable[Any]]) -> None:
    """Answer /viec: usage, nothing found, or the tasks split into Telegram-sized messages."""
    agency = " ".join(agency.split())
    if not agency:
        await reply(TASKS_USAGE)
        return
    plans = await asyncio.to_thread(find_tasks, assistant, agency)
    if not plans:
        await reply(TASKS_NONE.format(agency=escape(agency)))
        return
    for chunk in split_message(format_tasks(agency, plans)):
        await reply(chunk)

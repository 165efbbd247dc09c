"""Every Vietnamese UI text of the bot lives in bot/texts.py (other modules only carry English code and logs)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import texts

pytestmark = pytest.mark.unit

BOT_DIR = Path(texts.__file__).parent
# letters that only Vietnamese uses among the languages of this code base (đ, ơ, ư and the tone marks)
VIETNAMESE = re.compile(r"[đĐơƠưƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring constants of a module, its classes and functions."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def vietnamese_literals(path: Path) -> list[str]:
    """String literals with Vietnamese letters in a module, docstrings excepted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        and VIETNAMESE.search(node.value)
    ]


def test_the_detector_finds_vietnamese() -> None:
    assert vietnamese_literals(Path(texts.__file__))  # texts.py itself is full of it
    assert not VIETNAMESE.search("Could not edit message; retry after 1 s")


@pytest.mark.parametrize("module", sorted(p.name for p in BOT_DIR.glob("*.py") if p.name != "texts.py"))
def test_no_ui_text_outside_texts(module: str) -> None:
    assert vietnamese_literals(BOT_DIR / module) == []


def test_command_menu_and_help_agree() -> None:
    for command, description in texts.COMMAND_MENU:
        assert f"/{command}" in texts.HELP_TEXT and description
    assert texts.HELP_TEXT.format(username="b", admin="").endswith("Câu hỏi ví dụ:")

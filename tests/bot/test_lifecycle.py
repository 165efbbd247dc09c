"""Start/stop helpers, and the import structure of the bot package (no cycle, e.g. app ↔ webhook)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot
from bot.lifecycle import BOT_COMMANDS
from bot.texts import COMMAND_MENU

pytestmark = pytest.mark.unit

BOT_DIR = Path(bot.__file__).parent


def bot_imports(path: Path) -> set[str]:
    """The bot.* modules a module imports (at any level, lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "bot":
            found.add(node.module)
            found.update(f"bot.{a.name}" for a in node.names if node.module == "bot")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "bot")
    return found


def test_the_bot_package_has_no_import_cycle() -> None:
    graph = {f"bot.{p.stem}": bot_imports(p) for p in BOT_DIR.glob("*.py") if p.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " → ".join((*path, module))
        if module in done:
            return
        for target in graph.get(module, ()):
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert "bot.app" not in graph["bot.webhook"]


def test_modules_stay_small() -> None:
    for path in BOT_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def test_command_menu_comes_from_the_texts() -> None:
    assert [(c.command, c.description) for c in BOT_COMMANDS] == list(COMMAND_MENU)

"""One exception tree (drawn in rag/errors.py) and one status table (api.errors.ERROR_STATUS) that agree."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import rag.errors
from api.errors import framework_error, status_for, status_of
from rag.errors import PlanbotError, error_for_code

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
_ROW = re.compile(
    r"^    (?P<tree>(?:[│ ]   )*(?:[├└]── )?)(?P<name>\w+)\s+(?P<code>\w+)\s+(?P<status>\d{3})\s+(?P<module>[\w.]+)$"
)


def _defining_modules() -> list[str]:
    """Every project module that defines a class deriving from an '...Error' class (read from the source)."""
    out: list[str] = []
    for package in ("rag", "api", "bot", "eval", "planbot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef):
                    continue
                names = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                if any(n.endswith("Error") for n in names):
                    out.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
                    break
    return out


def _tree_in_code() -> set[tuple[str, str, str, int, str]]:
    """(class, parent, code, status, module) for every PlanbotError subclass of the project."""
    for module in _defining_modules():
        importlib.import_module(module)
    rows: set[tuple[str, str, str, int, str]] = set()
    stack: list[tuple[type[PlanbotError], str]] = [(PlanbotError, "")]
    while stack:
        cls, parent = stack.pop()
        if cls.__module__.split(".")[0] in ("rag", "api", "bot", "eval", "planbot"):
            rows.add((cls.__name__, parent, cls.code, status_of(cls), cls.__module__))
        stack.extend((sub, cls.__name__) for sub in cls.__subclasses__())
    return rows


def _tree_drawn() -> set[tuple[str, str, str, int, str]]:
    """The same rows, read from the drawing in rag/errors.py's docstring (depth from the indentation)."""
    rows: set[tuple[str, str, str, int, str]] = set()
    parents: list[str] = []
    for line in (rag.errors.__doc__ or "").splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        depth = len(m.group("tree")) // 4
        parents = [*parents[:depth], m.group("name")]
        parent = parents[depth - 1] if depth else ""
        rows.add((m.group("name"), parent, m.group("code"), int(m.group("status")), m.group("module")))
    return rows


def test_the_drawn_tree_is_the_tree_in_the_code() -> None:
    drawn = _tree_drawn()
    assert len(drawn) > 10
    assert drawn == _tree_in_code()


def test_a_code_rebuilds_an_exception_with_the_same_status() -> None:
    # A stream's `error` event carries only the code: the rebuilt exception must answer with the same status.
    for name, _parent, code, status, _module in _tree_in_code():
        rebuilt = error_for_code(code, f"rebuilt {name}", "Thông báo.")
        assert rebuilt.code == code
        assert rebuilt.user_message == "Thông báo."
        assert status_for(rebuilt) == status, name


def test_framework_errors_take_our_codes_and_keep_their_status() -> None:
    assert framework_error(404).code == "not_found"
    assert framework_error(404).user_message != rag.errors.NotFoundError.user_message  # a path, not a document
    assert framework_error(405).code == "method_not_allowed"
    assert framework_error(400, "There was an error parsing the body").code == "malformed_body"
    assert framework_error(400, "other").code == "bad_request"
    assert framework_error(418).code == "http_error"
    for status in (400, 401, 403, 404, 405, 406, 413, 415, 429):
        err = framework_error(status)
        assert status_for(err) == status
        assert any(ch > "\x7f" for ch in err.user_message)  # Vietnamese

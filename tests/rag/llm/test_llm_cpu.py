"""Per-CPU choices for llama.cpp from the CPU flags (a fake /proc/cpuinfo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.llm.cpu import choose_repack, cpu_flags

pytestmark = pytest.mark.unit

AVX2 = frozenset({"sse4_2", "avx", "avx2", "fma", "f16c"})
AVX512 = AVX2 | {"avx512f", "avx512bw", "avx512_vnni"}


def test_repack_is_on_for_avx2_only_and_off_for_avx512_or_older() -> None:
    assert choose_repack(None, AVX2)[0] is True
    assert choose_repack(None, AVX512)[0] is False
    assert choose_repack(None, frozenset({"sse4_2", "avx"}))[0] is False
    assert choose_repack(None, frozenset())[0] is False  # unknown CPU: the safe default


def test_the_setting_overrides_the_cpu_and_every_choice_says_why() -> None:
    assert choose_repack(False, AVX2) == (False, "PLANBOT_LLM_REPACK")
    assert choose_repack(True, AVX512)[0] is True
    assert all(choose_repack(None, f)[1] for f in (AVX2, AVX512, frozenset()))


def test_flags_are_read_from_the_first_cpu(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx avx2 fma\n\n"
                    "processor\t: 1\nflags\t\t: fpu\n", encoding="utf-8")
    assert cpu_flags(str(info)) == frozenset({"fpu", "avx", "avx2", "fma"})
    assert cpu_flags(str(tmp_path / "absent")) == frozenset()

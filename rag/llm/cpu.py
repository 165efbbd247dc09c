"""Per-CPU choices for llama.cpp, decided at load time from the CPU's flags (/proc/cpuinfo) and logged.

Weight repacking (llama.cpp's "extra buffer types": Q4_K/Q4_0 weights rearranged into interleaved blocks for the
CPU's SIMD kernels) measured differently per CPU (eval/REPORT.md, "Speed on AVX2"): slower and ~600 MB larger on
the AVX-512 box, faster on the AVX2-only box. `PLANBOT_LLM_REPACK=true|false` overrides the choice.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger(__name__)


@functools.cache
def cpu_flags(path: str = "/proc/cpuinfo") -> frozenset[str]:
    """The flags of the first CPU (empty when unknown, e.g. not Linux)."""
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "flags":
                return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


def choose_repack(setting: bool | None, flags: frozenset[str] | None = None) -> tuple[bool, str]:
    """Whether to repack weights, and why: the setting when given; else on for AVX2 CPUs without AVX-512
    (where it measured faster), off otherwise (AVX-512: measured slower; no AVX2: nothing to gain)."""
    if setting is not None:
        return setting, "PLANBOT_LLM_REPACK"
    flags = cpu_flags() if flags is None else flags
    if "avx512f" in flags:
        return False, "CPU has AVX-512 (repacking measured slower there)"
    if "avx2" in flags:
        return True, "AVX2 CPU without AVX-512 (repacking measured faster there)"
    return False, "CPU without AVX2"

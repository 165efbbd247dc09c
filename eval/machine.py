"""The machine a measurement ran on (CPU model, SIMD flags, llama.cpp build): shared by eval.bench and eval.speed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
             "avx512_vnni", "avx512_bf16", "avx512vbmi", "amx_tile", "amx_int8", "amx_bf16")


def cpu_info() -> dict[str, Any]:
    """CPU model name, the SIMD flags that matter to llama.cpp, core count, llama.cpp's system info."""
    model, flags = "unknown", set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    info: dict[str, Any] = {"model": model, "cores": os.cpu_count(),
                            "flags": [f for f in CPU_FLAGS if f in flags]}
    try:
        import llama_cpp

        info["llama_cpp"] = llama_cpp.__version__
        info["llama_system_info"] = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    except (ImportError, AttributeError):  # pragma: no cover - llama-cpp-python is a hard dependency
        info["llama_system_info"] = "llama-cpp-python unavailable"
    return info

#!/usr/bin/env bash
# One source of truth for installing the project (README, CI and the Dockerfile all call this).
# Usage: scripts/install.sh [--dev] [--browser]
#   --dev      also install test/lint tools
#   --browser  also install Debian chromium for the web page test (needs root / apt)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${PLANBOT_VENV:-.venv}
DEV=0; BROWSER=0
for a in "$@"; do
  case "$a" in
    --dev) DEV=1 ;;
    --browser) BROWSER=1 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip"
$PIP install -q --upgrade pip

# llama-cpp-python builds from source, for the CPU it runs on. -march=native is the best build where it is safe;
# on CPUs with AMX (Intel Sapphire Rapids and later) it enables AMX, which segfaults in ggml_backend_amx_mul_mat:
# there, every SIMD extension the CPU has is switched on one by one and AMX off
# (see ../shared/notes/llama-cpp-on-this-cpu.md). Older CPUs get exactly what they have (no AVX2 → no AVX2).
# The flags are read once into a variable: no pipeline whose reader exits early (SIGPIPE under pipefail).
CPU_FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2- || true) "
cpu_has() { case "$CPU_FLAGS" in *" $1 "*) return 0 ;; esac; return 1; }
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
  if cpu_has amx_tile || cpu_has amx_int8 || cpu_has amx_bf16; then
    LLAMA_BUILD_KIND="explicit SIMD flags, AMX off (CPU has AMX)"
    LLAMA_FLAGS="-DGGML_NATIVE=OFF"
    for pair in avx:GGML_AVX avx2:GGML_AVX2 fma:GGML_FMA f16c:GGML_F16C bmi2:GGML_BMI2 avx_vnni:GGML_AVX_VNNI \
                avx512f:GGML_AVX512 avx512_vnni:GGML_AVX512_VNNI avx512vbmi:GGML_AVX512_VBMI \
                avx512_bf16:GGML_AVX512_BF16; do
      if cpu_has "${pair%%:*}"; then LLAMA_FLAGS="$LLAMA_FLAGS -D${pair#*:}=ON"; else LLAMA_FLAGS="$LLAMA_FLAGS -D${pair#*:}=OFF"; fi
    done
    LLAMA_FLAGS="$LLAMA_FLAGS -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  else
    LLAMA_BUILD_KIND="native (-march=native: no AMX on this CPU)"
    LLAMA_FLAGS="-DGGML_NATIVE=ON"
  fi
  LLAMA_FLAGS="$LLAMA_FLAGS -DLLAVA_BUILD=OFF -DCMAKE_PROJECT_llama.cpp_INCLUDE=$PWD/scripts/llama_no_common.cmake"
  SIMD=$(for f in avx2 avx512f avx512_vnni avx512_bf16 avx_vnni amx_tile; do if cpu_has $f; then printf '%s ' $f; fi; done)
  echo "CPU: ${CPU_MODEL:-unknown} (${SIMD:-no AVX2}) → llama.cpp build: $LLAMA_BUILD_KIND"
  echo "Building llama-cpp-python (a few minutes) with: $LLAMA_FLAGS"
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) CMAKE_ARGS="$LLAMA_FLAGS" $PIP install -q "llama-cpp-python==0.3.36"
  # What the build enabled, in the log (e.g. "AVX2 = 1 | FMA = 1 | ..."): the check that it fits this CPU.
  "$VENV/bin/python" -c "import llama_cpp; print('llama.cpp:', llama_cpp.llama_print_system_info().decode().strip())" \
    || echo "llama-cpp-python was built but does not import" >&2
fi

if [ "$DEV" = 1 ]; then
  $PIP install -q -e ".[dev]"
else
  $PIP install -q -e .
fi

# OCR of scanned PDFs (rag/ocr.py): Tesseract with its Vietnamese model, pdftoppm to render pages. Always wanted by
# the product; without them a scanned PDF is refused with a clear message and the OCR tests are skipped.
# --dev also wants the DejaVu fonts the tests draw generated PDFs with.
APT_PKGS=""
OCR_LANGS=$(tesseract --list-langs 2>/dev/null || true)
if ! command -v pdftoppm >/dev/null 2>&1 || ! grep -qx vie <<<"$OCR_LANGS"; then
  APT_PKGS="tesseract-ocr tesseract-ocr-vie poppler-utils"
fi
if [ "$DEV" = 1 ] && [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  APT_PKGS="$APT_PKGS fonts-dejavu-core"
fi
# --dev: PostgreSQL server binaries (initdb, pg_ctl) for the replica tests (tests/api/test_replicas.py starts a
# throwaway cluster; they are skipped without them). The service Debian's package starts is not used by tests.
if [ "$DEV" = 1 ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  APT_PKGS="$APT_PKGS postgresql"
fi
if [ -n "$APT_PKGS" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    # shellcheck disable=SC2086
    if ! ($SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
          --no-install-recommends $APT_PKGS >/dev/null); then
      echo "could not install$APT_PKGS: scanned PDFs will be refused, OCR/PDF tests skipped" >&2
    fi
  else
    echo "apt-get unavailable, not installed:$APT_PKGS (scanned PDFs refused, OCR/PDF tests skipped)" >&2
  fi
fi

if [ "$BROWSER" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    if ! ($SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then
      echo "could not install chromium: the browser test will be skipped" >&2
    fi
  else
    echo "chromium not found and apt-get unavailable: the browser test will be skipped" >&2
  fi
fi
touch "$VENV/.installed"

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

# llama-cpp-python builds from source. -march=native enables AMX on Sapphire Rapids and segfaults in
# ggml_backend_amx_mul_mat: build without AMX, AVX512 on (see ../shared/notes/llama-cpp-on-this-cpu.md).
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  LLAMA_FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
  if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    LLAMA_FLAGS="$LLAMA_FLAGS -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_BF16=ON"
  fi
  if grep -q avx_vnni /proc/cpuinfo 2>/dev/null; then
    LLAMA_FLAGS="$LLAMA_FLAGS -DGGML_AVX_VNNI=ON"
  fi
  LLAMA_FLAGS="$LLAMA_FLAGS -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF"
  LLAMA_FLAGS="$LLAMA_FLAGS -DCMAKE_PROJECT_llama.cpp_INCLUDE=$PWD/scripts/llama_no_common.cmake"
  echo "Building llama-cpp-python (a few minutes) with: $LLAMA_FLAGS"
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) CMAKE_ARGS="$LLAMA_FLAGS" $PIP install -q "llama-cpp-python==0.3.36"
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

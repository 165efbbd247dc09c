"""Deployment files: the Dockerfile uses the same install script as the README/CI; compose shows scale-out."""

from __future__ import annotations

import re

import pytest
import yaml

from rag.config import PROJECT_ROOT

pytestmark = pytest.mark.unit

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile instructions (continuations joined, comments dropped)."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_runs_the_shared_install_script() -> None:
    runs = [rest for word, rest in instructions(DOCKERFILE) if word == "RUN"]
    assert any(re.search(r"\bbash scripts/install\.sh\b", r) for r in runs), runs
    assert (PROJECT_ROOT / "scripts" / "install.sh").is_file()
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scripts/install.sh" in makefile  # README/CI go through the Makefile to the same script


def test_dockerfile_shape() -> None:
    ins = instructions(DOCKERFILE)
    froms = [rest for word, rest in ins if word == "FROM"]
    assert froms and all("PYTHON_IMAGE" in f for f in froms)
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11-slim", DOCKERFILE)
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert any("planbot model fetch" in rest for word, rest in ins if word == "RUN")
    assert any(word == "VOLUME" and "/data" in rest for word, rest in ins)
    health = [rest for word, rest in ins if word == "HEALTHCHECK"]
    assert health and "/healthz" in health[0]
    cmd = [rest for word, rest in ins if word == "CMD"][-1]
    assert cmd.startswith("[") and '"planbot", "run", "--host", "0.0.0.0"' in cmd


def test_dockerignore_keeps_secrets_and_venv_out() -> None:
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", "data", ".env", ".git"):
        assert entry in ignored


def test_compose_scale_out() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert "chroma" in services["chroma"]["image"]
    assert "llama.cpp" in services["llm"]["image"] or "vllm" in services["llm"]["image"]
    api = services["api"]
    assert api["deploy"]["replicas"] >= 2
    env = api["environment"]
    assert env["PLANBOT_CHROMA_URL"].startswith("http://chroma:")
    assert env["PLANBOT_LLM_BACKEND"] == "openai"
    assert env["PLANBOT_LLM_URL"].startswith("http://llm:") and env["PLANBOT_LLM_URL"].endswith("/v1")
    assert "PLANBOT_API_KEYS" in env

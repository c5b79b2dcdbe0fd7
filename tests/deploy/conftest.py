"""Shared pieces of the production stack's tests: its files, and docker-compose.yml as compose sees it.

No Docker engine runs on these machines. docker-compose.yml is checked with Debian's docker-compose
(v1), whose `config` validates and interpolates a compose file without one; the nginx config is
checked and run with Debian's nginx. `make test-deploy` installs both when missing; without them
these tests fail, never skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
TEMPLATE = ROOT / "deploy" / "nginx" / "meldpunt.conf.template"
ENDPOINTS = ROOT / "deploy" / "rasa" / "endpoints.yml"
INITDB = ROOT / "deploy" / "postgres" / "initdb"
# The folders the compose file builds from or mounts, linked into a scratch project folder.
PROJECT_PARTS = ("api", "bot", "actions", "deploy")
# Variables whose values are secrets: compose must take them from .env, never hold them.
SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET|_KEY)$")


BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"


def run_in_bot(check: str, **env: str) -> dict[str, Any]:
    """Run a check script with the assistant's Python (Rasa 3.6); its last line of output is JSON."""
    if not BOT_PYTHON.exists():
        pytest.fail("the assistant's environment is missing: run `make setup-bot`")
    result = subprocess.run(
        [str(BOT_PYTHON), "-W", "ignore", "-c", check],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return results


def need(tool: str, make_target: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run `make {make_target}` (or `make test-deploy`)")
    return path


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (not a package), imported from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def env_example() -> dict[str, str]:
    """KEY=VALUE lines of .env.example, in order."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def filled_env() -> dict[str, str]:
    """.env.example with every empty value filled, as an operator's .env would be."""
    return {key: value or f"test-{key.lower().replace('_', '-')}" for key, value in env_example().items()}


def write_env(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()), encoding="utf-8")


def compose_project(folder: Path, env: dict[str, str]) -> Path:
    """A scratch copy of the compose project: the file, links to what it builds, and a .env."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(COMPOSE_FILE, folder / "docker-compose.yml")
    for part in PROJECT_PARTS:
        (folder / part).symlink_to(ROOT / part)
    write_env(folder / ".env", env)
    return folder


def compose(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = need("docker-compose", "docker-compose")
    return subprocess.run(
        [binary, "--ansi", "never", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(folder)},
    )


@pytest.fixture(scope="session")
def raw() -> dict[str, Any]:
    """docker-compose.yml as written (anchors resolved, ${VAR} references kept)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """docker-compose.yml as compose runs it with a filled .env: `docker-compose config`."""
    folder = compose_project(tmp_path_factory.mktemp("compose"), filled_env())
    result = compose(folder, "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="session")
def bot_extra() -> list[str]:
    """pyproject.toml's `bot` extra."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]["bot"]


def rasa_services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from bot/Dockerfile: the Rasa servers."""
    return {
        name: service
        for name, service in config["services"].items()
        if (service.get("build") or {}).get("dockerfile") == "bot/Dockerfile"
    }

"""`make env` (python -m api.cli new-env): every secret filled, private, and an existing file kept."""

from __future__ import annotations

import stat
from pathlib import Path

from api.cli import main

SECRETS = (
    "MELDPUNT_SERVICE_TOKEN",
    "MELDPUNT_ENCRYPTION_KEY",
    "MELDPUNT_RECEIPT_HASH_KEY",
    "MELDPUNT_JWT_SECRET",
    "RASA_TOKEN",
    "POSTGRES_PASSWORD",
    "RASA_DB_PASSWORD",
    "REDIS_PASSWORD",
)


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs if not key.startswith("#")}


def test_a_new_env_has_every_secret_filled_and_private(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    assert main(["new-env", "--path", str(path)]) == 0
    env = read_env(path)
    assert all(len(env[name]) >= 32 for name in SECRETS), {n: len(env.get(n, "")) for n in SECRETS}
    assert len({env[name] for name in SECRETS}) == len(SECRETS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_two_new_envs_share_no_secret(tmp_path: Path) -> None:
    main(["new-env", "--path", str(tmp_path / "a")])
    main(["new-env", "--path", str(tmp_path / "b")])
    a, b = read_env(tmp_path / "a"), read_env(tmp_path / "b")
    assert all(a[name] != b[name] for name in SECRETS)


def test_an_existing_env_is_kept(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("MELDPUNT_SERVICE_TOKEN=mine\n")
    assert main(["new-env", "--path", str(path)]) == 0
    assert path.read_text() == "MELDPUNT_SERVICE_TOKEN=mine\n"

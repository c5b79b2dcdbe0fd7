"""docker-compose.yml: valid for compose, and the topology issue 6 asks for.

The file is validated by Debian's docker-compose (`config`, no engine needed) in a scratch project
with a .env made from .env.example; the topology is read from both the file as written (to see the
${VAR} references) and compose's resolved config (to see what the containers get).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import (
    ENDPOINTS,
    INITDB,
    ROOT,
    SECRET_NAME,
    TEMPLATE,
    compose,
    compose_project,
    env_example,
    filled_env,
    load_script,
    rasa_services,
)

REFERENCE = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+)(?P<op>:\?|:-|\?|-)?(?P<rest>[^}]*)\}$")
HEALTHY = "service_healthy"


def services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return config["services"]


def dockerfile(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def from_image(path: str) -> str:
    (image,) = re.findall(r"^FROM\s+(\S+)", dockerfile(path), flags=re.M)
    return image


def pip_installs(path: str) -> list[str]:
    """The quoted requirements of the Dockerfile's `pip install` lines."""
    lines = [line for line in dockerfile(path).splitlines() if "pip install" in line]
    return [req for line in lines for req in re.findall(r'"([^"]+)"', line)]


def pin(requirements: list[str], name: str) -> str:
    (found,) = [r for r in requirements if re.match(rf"{re.escape(name)}\s*[=<>!~]", r)]
    return found


# ----------------------------------------------------------------------------- compose validates


def test_compose_config_validates(tmp_path: Path) -> None:
    result = compose(compose_project(tmp_path, filled_env()), "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name",
    ["POSTGRES_PASSWORD", "RASA_DB_PASSWORD", "REDIS_PASSWORD", "RASA_TOKEN", "MELDPUNT_SERVICE_TOKEN"],
)
def test_compose_refuses_an_empty_secret(tmp_path: Path, name: str) -> None:
    env = {**filled_env(), name: ""}
    result = compose(compose_project(tmp_path, env), "config", "-q")
    assert result.returncode != 0, f"compose started without {name}"
    assert f"set {name} in .env" in result.stderr


def test_the_example_env_names_every_variable_compose_reads(raw: dict[str, Any]) -> None:
    text = yaml.safe_dump(raw)  # the file without its comments
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))
    assert used and sorted(used - set(env_example())) == []


# ------------------------------------------------------------------------------------- topology


def test_only_the_web_front_publishes_a_port(resolved: dict[str, Any]) -> None:
    published = {name for name, service in services(resolved).items() if service.get("ports")}
    assert published == {"web"}
    (port,) = services(resolved)["web"]["ports"]
    # Loopback unless the operator says otherwise (MELDPUNT_HTTP_BIND).
    assert port == "127.0.0.1:8080:8080/tcp"


def test_two_or_more_rasa_servers_alike(resolved: dict[str, Any]) -> None:
    rasa = rasa_services(resolved)
    assert len(rasa) >= 2, sorted(rasa)
    first, *others = rasa.values()
    for other in others:
        for key in ("environment", "image", "healthcheck", "depends_on", "networks"):
            assert other.get(key) == first.get(key), key
    env = first["environment"]
    # What deploy/rasa/endpoints.yml reads: the shared tracker store and lock store.
    assert env["RASA_DB_HOST"] == "db" and env["RASA_REDIS_HOST"] == "redis"
    assert env["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"


def test_the_rasa_image_runs_the_production_endpoints() -> None:
    start = (ROOT / "deploy" / "rasa" / "start.sh").read_text(encoding="utf-8")
    assert "--endpoints /app/deploy/rasa/endpoints.yml" in start
    assert "--credentials /app/bot/credentials.yml" in start
    assert 'ENTRYPOINT ["/app/deploy/rasa/start.sh"]' in dockerfile("bot/Dockerfile")
    assert "COPY --chown=1001:0 deploy/rasa ./deploy/rasa" in dockerfile("bot/Dockerfile")


def test_nginx_balances_over_every_rasa_server(resolved: dict[str, Any]) -> None:
    web = services(resolved)["web"]
    servers = web["environment"]["MELDPUNT_NGINX_RASA_SERVERS"]
    listed = re.findall(r"server ([\w-]+):(\d+);", servers)
    assert sorted(listed) == sorted((name, "5005") for name in rasa_services(resolved))
    assert web["environment"]["MELDPUNT_NGINX_API_SERVER"] == "server api:8000;"


def test_the_nginx_template_gets_exactly_its_variables(raw: dict[str, Any], resolved: dict[str, Any]) -> None:
    render = load_script("render_nginx")
    env = services(resolved)["web"]["environment"]
    assert env["NGINX_ENVSUBST_FILTER"] == "^MELDPUNT_NGINX_"
    given = {key for key in env if key.startswith("MELDPUNT_NGINX_")}
    assert given == render.variables(TEMPLATE.read_text(encoding="utf-8"))
    mount = "./deploy/nginx/meldpunt.conf.template:/etc/nginx/templates/default.conf.template:ro"
    assert _volume_strings(services(raw)["web"]) == [mount]


def _volume_strings(service: dict[str, Any]) -> list[str]:
    out = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            out.append(volume)
        else:
            mode = ":ro" if volume.get("read_only") else ""
            out.append(f"{volume['source']}:{volume['target']}{mode}")
    return out


def test_every_service_has_a_healthcheck(resolved: dict[str, Any]) -> None:
    for name, service in services(resolved).items():
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_every_dependency_waits_for_health(resolved: dict[str, Any]) -> None:
    wanted = {
        "web": {"api", *rasa_services(resolved)},
        "actions": {"api"},
        "api": {"db"},
        **{name: {"db", "redis", "actions"} for name in rasa_services(resolved)},
    }
    for name, service in services(resolved).items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on without conditions"
        assert {dep: spec.get("condition") for dep, spec in depends.items()} == dict.fromkeys(
            wanted.get(name, set()), HEALTHY
        ), name


def test_named_volumes_for_the_database_and_the_outbox(raw: dict[str, Any], resolved: dict[str, Any]) -> None:
    assert {"pgdata", "outbox"} <= set(raw["volumes"])
    db_volumes = _volume_strings(services(raw)["db"])
    assert "pgdata:/var/lib/postgresql/data" in db_volumes
    actions = services(raw)["actions"]
    outbox_dir = PurePosixPath(actions["environment"]["HANDOVER_OUTBOX_PATH"]).parent
    assert f"outbox:{outbox_dir}" in _volume_strings(actions)
    assert "/app/var/outbox" in dockerfile("actions/Dockerfile")


def test_the_backend_network_is_internal_and_the_front_is_not_on_it(resolved: dict[str, Any]) -> None:
    assert resolved["networks"]["backend"].get("internal") is True
    networks = {name: set(service["networks"]) for name, service in services(resolved).items()}
    assert networks["web"] == {"edge"}
    for name in ("db", "redis", "actions"):
        assert networks[name] == {"backend"}, name


def test_the_api_is_migrated_on_postgresql(resolved: dict[str, Any]) -> None:
    api = services(resolved)["api"]
    env = filled_env()
    assert api["environment"]["DATABASE_URL"] == (
        f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@db:5432/{env['POSTGRES_DB']}"
    )
    assert "alembic -c api/alembic.ini upgrade head &&" in dockerfile("api/Dockerfile")
    # The chat relay goes through the front too; the front's X-Forwarded-For is trusted.
    assert api["environment"]["MELDPUNT_ASSISTANT_URL"] == "http://web:8080"
    assert api["environment"]["FORWARDED_ALLOW_IPS"] == "*"


def test_the_action_server_hands_over_to_the_api(resolved: dict[str, Any]) -> None:
    actions = services(resolved)["actions"]
    assert actions["environment"]["MELDPUNT_API_URL"] == "http://api:8000"
    entry = re.search(r"^ENTRYPOINT (.+)$", dockerfile("actions/Dockerfile"), flags=re.M)
    assert entry and yaml.safe_load(entry[1])[:3] == ["python", "-m", "actions.server"]


# --------------------------------------------------------------------------------------- secrets


def test_no_secret_is_written_in_the_file(raw: dict[str, Any]) -> None:
    """Every secret-named variable is a required ${VAR} reference (no default); the API reads .env."""
    for name, service in services(raw).items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                match = REFERENCE.match(str(value))
                assert match and match["op"] == ":?", f"{name}.{key} = {value!r} is not a required ${{VAR}}"
        for field in ("command", "healthcheck", "entrypoint"):
            text = yaml.safe_dump(service.get(field) or "")
            for example in filled_env().values():
                if example.startswith("test-"):
                    assert example not in text
    assert services(raw)["api"]["env_file"] == ".env"
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    # No default value for anything that looks like a secret.
    assert not re.search(r"\$\{[A-Z_]*(PASSWORD|TOKEN|SECRET|_KEY)[A-Z_]*:-", text)


def test_the_example_env_holds_no_secret() -> None:
    for key, value in env_example().items():
        if SECRET_NAME.search(key) and key != "MELDPUNT_ENCRYPTION_KEY":
            assert value == "", f".env.example gives {key} a value"


def test_the_rasa_database_is_made_with_the_same_variables(raw: dict[str, Any]) -> None:
    db = services(raw)["db"]
    rasa_env = next(iter(rasa_services(raw).values()))["environment"]
    for key in ("RASA_DB_NAME", "RASA_DB_USER", "RASA_DB_PASSWORD"):
        assert db["environment"][key] == rasa_env[key], key
    assert "./deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro" in _volume_strings(db)
    # The image runs *.sh and *.sql in that folder: the shared psql script must not be one of them.
    assert sorted(p.name for p in INITDB.iterdir()) == ["10-rasa-database.sh", "create-database.psql"]


# ------------------------------------------------------------------------------------- endpoints


def test_the_endpoints_use_the_shared_stores_from_the_environment(resolved: dict[str, Any]) -> None:
    endpoints = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))
    tracker, lock = endpoints["tracker_store"], endpoints["lock_store"]
    assert tracker["type"] == "deploy.rasa.tracker_store.PrePingSQLTrackerStore"
    assert tracker["dialect"] == "postgresql"
    source = (ROOT / "deploy" / "rasa" / "tracker_store.py").read_text(encoding="utf-8")
    assert "class PrePingSQLTrackerStore(SQLTrackerStore):" in source
    assert lock["type"] == "deploy.rasa.lock_store.FailoverRedisLockStore"
    source = (ROOT / "deploy" / "rasa" / "lock_store.py").read_text(encoding="utf-8")
    assert "class FailoverRedisLockStore(RedisLockStore):" in source
    assert lock["key_prefix"].isalnum()
    # Every value that differs between machines comes from the environment ...
    for section, keys in (
        (tracker, ("url", "port", "db", "username", "password")),
        (lock, ("url", "port", "db", "password")),
    ):
        for key in keys:
            assert REFERENCE.match(str(section[key])), f"{key}: {section[key]!r}"
    # ... and every Rasa service sets all of it.
    needed = set(re.findall(r"\$\{([A-Z0-9_]+)\}", yaml.safe_dump(endpoints)))
    assert {"RASA_DB_PASSWORD", "RASA_REDIS_PASSWORD", "ACTION_ENDPOINT_URL"} <= needed
    for name, service in rasa_services(resolved).items():
        assert needed <= set(service["environment"]), (name, sorted(needed - set(service["environment"])))


# ---------------------------------------------------------------------------------------- images


def test_the_images_are_the_rasa_and_sdk_versions_pyproject_pins(bot_extra: list[str]) -> None:
    rasa = pin(bot_extra, "rasa").split("==")[1]
    sdk = pin(bot_extra, "rasa-sdk").split("==")[1]
    assert re.fullmatch(rf"rasa/rasa:{re.escape(rasa)}(-full)?", from_image("bot/Dockerfile"))
    assert from_image("actions/Dockerfile") == f"rasa/rasa-sdk:{sdk}"
    assert rasa.split(".")[:2] == sdk.split(".")[:2] == ["3", "6"]


def test_the_rasa_image_adds_what_the_bot_extra_adds(bot_extra: list[str]) -> None:
    wanted = [r for r in bot_extra if not re.match(r"rasa(-sdk)?\s*==", r)]
    assert sorted(pip_installs("bot/Dockerfile")) == sorted(wanted)


def test_the_action_image_has_what_the_actions_import(bot_extra: list[str]) -> None:
    """Every import of the actions (followed into the repository's own modules) is in the image."""
    installs = pip_installs("actions/Dockerfile")
    for name in ("httpx", "tzdata", "jsonschema"):
        assert pin(installs, name) == pin(bot_extra, name)
    provided = {
        "rasa_sdk",
        "httpx",
        "jsonschema",
        "yaml",
    }  # rasa-sdk, and what the image installs (PyYAML: yaml)
    assert pin(installs, "PyYAML")
    copied = _copied_files(dockerfile("actions/Dockerfile"))
    seen: set[Path] = set()
    todo = sorted((ROOT / "actions").glob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        assert any(path == c or c in path.parents for c in copied), f"{path.relative_to(ROOT)} is not copied"
        for module in _imports(path):
            top = module.split(".")[0]
            if top in ("actions", "bot", "api"):
                target = ROOT / (module.replace(".", "/") + ".py")
                if not target.exists():
                    target = ROOT / module.replace(".", "/") / "__init__.py"
                todo.append(target)
                package_init = ROOT / top / "__init__.py"
                todo.append(package_init)
            else:
                assert top in sys.stdlib_module_names or top in provided, f"{path.name} imports {module}"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found - {"__future__"}


def _copied_files(text: str) -> list[Path]:
    copied = []
    for line in text.splitlines():
        if line.startswith("COPY "):
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            copied.extend(ROOT / source for source in parts[:-1])
    return copied

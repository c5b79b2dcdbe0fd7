"""The API against its own OpenAPI spec (schemathesis), on SQLite and on PostgreSQL.

Every operation gets valid and invalid input (positive and negative generation, the coverage
phase's boundary values, each operation's examples), sent with the credential its spec asks for;
every built-in check runs on every response, so invalid input must be a documented 4xx, never a
5xx. A stateful test then chains operations along the links schemathesis infers from the spec:
submit an intake, then read, change and audit that very intake.

The spec is read once at collection, from an app built like the `app` fixture; each test sends
its requests to its own `app` fixture, so they land in that test's rolled-back transaction.
(`schemathesis.pytest.from_fixture` would load the spec per test instead, but schemathesis 4.32
sets `Function._nodeid`, which pytest 9.2 no longer has.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from api.config import get_settings
from api.main import create_app
from tests.api.factories import SERVICE, staff_headers

MAX_EXAMPLES = 40  # per operation, on top of the coverage phase's boundary values
WORKFLOWS, STEPS = 20, 6
CONFIG = {
    "seed": 20260122,
    "generation": {
        "mode": "all",  # positive and negative
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,  # hypothesis' derandomize: the same cases on every run
        "database": "none",  # no example database: a run never replays what an earlier one found
        "with-security-parameters": False,  # the credential comes from credential() below
    },
    # Workflows chain valid requests; invalid input is covered per operation.
    "phases": {"stateful": {"generation": {"mode": "positive"}, "max-steps": STEPS}},
}


class CurrentApp:
    """The ASGI app the module's schema talks to: each test plugs in its own `app` fixture."""

    app: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "requests go to the test's own `app` fixture only"
        await self.app(scope, receive, send)


def load_schema() -> schemathesis.BaseSchema:
    spec = create_app().openapi()
    get_settings.cache_clear()  # read before the test environment exists; tests read it afresh
    loaded = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_dict(CONFIG))
    loaded.app = CURRENT
    return loaded


CURRENT = CurrentApp()
schema = load_schema()


@pytest.fixture(autouse=True)
def current_app(app: FastAPI) -> Iterator[None]:
    CURRENT.app = app
    yield
    CURRENT.app = None


@pytest.fixture
def admin(db: Session) -> dict[str, str]:
    return staff_headers(db, "admin")


def credential(case: schemathesis.Case, admin: dict[str, str]) -> dict[str, str]:
    """What the operation's spec asks for: the assistant's service token, or a staff token (an
    admin's, so that admin-only operations are reached too); nothing for login and follow-up."""
    by_scheme = {"ServiceToken": SERVICE, "OAuth2PasswordBearer": admin}
    schemes = [
        name for requirement in case.operation.definition.raw.get("security", []) for name in requirement
    ]
    assert set(schemes) <= set(by_scheme), f"no credential for {schemes} of {case.operation.label}"
    return by_scheme[schemes[0]] if schemes else {}


@schema.hook
def filter_case(ctx: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """/stats takes `period` or `received_from`/`received_to`, not both: a rule OpenAPI cannot state."""
    if case.operation.path != "/api/v1/stats" or not case.query:
        return True
    dates = (case.query.get("received_from"), case.query.get("received_to"))
    return case.query.get("period") is None or dates == (None, None)


@schema.parametrize()
# The operation's examples share its test's transaction, rolled back afterwards: intended.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation_conforms_to_spec(case: schemathesis.Case, admin: dict[str, str]) -> None:
    case.call_and_validate(headers=credential(case, admin))


def test_workflows_conform_to_spec(db: Session, admin: dict[str, str]) -> None:
    """Submit an intake, then read, change and audit it, along the links inferred from the spec."""
    bind = db.get_bind()
    assert isinstance(bind, Connection)  # the `db` fixture's, holding the test's transaction
    connection: Connection = bind

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        # Each workflow starts from the same database, or hypothesis sees its rules behave
        # differently for the same choices (a retried id answers 200 instead of 201).
        def setup(self) -> None:
            self.savepoint = connection.begin_nested()

        def teardown(self) -> None:
            db.rollback()
            db.expunge_all()
            self.savepoint.rollback()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, dict[str, str]]:
            return {"headers": credential(case, admin)}

    Workflow.run(
        settings=settings(
            max_examples=WORKFLOWS,
            stateful_step_count=STEPS,
            derandomize=True,
            database=None,
            deadline=None,
        )
    )

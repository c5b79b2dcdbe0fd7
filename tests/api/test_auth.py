"""Staff login (OAuth2 password flow), bearer tokens, roles, and the create-staff command."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.cli import main as cli
from api.clock import utcnow
from api.config import get_settings
from api.db import get_sessionmaker
from api.main import create_app
from api.models import Staff
from api.security import BAD_CREDENTIALS, JWT_ALGORITHM, NOT_AUTHENTICATED, WRONG_ROLE, verify_password
from tests.api.cli_fixtures import cli_database_fixture  # noqa: F401  (pytest fixture)
from tests.api.conftest import TestClock
from tests.api.factories import _PASSWORD_HASH, PASSWORD, staff_headers

TOKEN = "/api/v1/auth/token"
INTAKES = "/api/v1/intakes"
AUDIT = "/api/v1/audit"
EMAIL = "behandelaar@meldpunt.example"


def add_staff(db: Session, *, email: str = EMAIL, role: str = "intake", active: bool = True) -> Staff:
    staff = Staff(email=email, role=role, password_hash=_PASSWORD_HASH, active=active)
    db.add(staff)
    db.commit()
    return staff


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed(claims: dict[str, object], key: str | None = None) -> str:
    secret = get_settings().jwt_secret
    assert secret is not None
    return jwt.encode(claims, key or secret.get_secret_value(), algorithm=JWT_ALGORITHM)


# --- POST /auth/token -------------------------------------------------------------------------


def test_login_returns_bearer_token(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type"}
    assert body["token_type"] == "bearer"


def test_login_token_opens_the_intake_list(client: TestClient, db: Session) -> None:
    add_staff(db)
    token = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD}).json()["access_token"]
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_login_email_is_case_insensitive(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": " Behandelaar@Meldpunt.EXAMPLE", "password": PASSWORD})
    assert response.status_code == 200


def test_login_token_lasts_the_configured_minutes(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    token = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD}).json()["access_token"]
    secret = get_settings().jwt_secret
    assert secret is not None
    claims = jwt.decode(
        token, secret.get_secret_value(), algorithms=[JWT_ALGORITHM], options={"verify_exp": False}
    )
    assert claims["exp"] - claims["iat"] == get_settings().access_token_minutes * 60
    assert abs(claims["iat"] - utcnow().timestamp()) < 5  # issued now, by the API's clock
    assert (claims["sub"], claims["role"]) == (str(staff.id), "intake")


def test_wrong_password_is_401(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD + "!"})
    assert response.status_code == 401
    assert response.json()["detail"] == BAD_CREDENTIALS
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_email_is_401_like_a_wrong_password(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": "niemand@meldpunt.example", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["detail"] == BAD_CREDENTIALS


def test_email_with_a_nul_character_is_401_like_an_unknown_one(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": EMAIL + "\x00", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["detail"] == BAD_CREDENTIALS


def test_inactive_account_cannot_log_in(client: TestClient, db: Session) -> None:
    add_staff(db, active=False)
    response = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["detail"] == BAD_CREDENTIALS


def test_login_without_password_field_is_422(client: TestClient, db: Session) -> None:
    add_staff(db)
    response = client.post(TOKEN, data={"username": EMAIL})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


# --- bearer tokens ----------------------------------------------------------------------------


def test_token_of_deactivated_account_is_401(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    token = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD}).json()["access_token"]
    staff.active = False
    db.commit()
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == NOT_AUTHENTICATED


def test_expired_token_is_401(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    past = utcnow() - timedelta(minutes=5)
    token = signed({"sub": str(staff.id), "role": "intake", "iat": past, "exp": past})
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == NOT_AUTHENTICATED


def test_a_token_expires_by_the_apis_clock(client: TestClient, db: Session, clock: TestClock) -> None:
    add_staff(db)
    token = client.post(TOKEN, data={"username": EMAIL, "password": PASSWORD}).json()["access_token"]
    minutes = get_settings().access_token_minutes
    clock.advance(timedelta(minutes=minutes - 1))
    assert client.get(INTAKES, headers=bearer(token)).status_code == 200
    clock.advance(timedelta(minutes=1))
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == NOT_AUTHENTICATED


def test_token_signed_with_another_key_is_401(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    exp = utcnow() + timedelta(minutes=5)
    token = signed({"sub": str(staff.id), "role": "admin", "exp": exp}, key="another-key-" + "x" * 32)
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == NOT_AUTHENTICATED


def test_token_without_expiry_is_401(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    response = client.get(INTAKES, headers=bearer(signed({"sub": str(staff.id), "role": "intake"})))
    assert response.status_code == 401


def test_token_for_unknown_account_is_401(client: TestClient, db: Session) -> None:
    exp = utcnow() + timedelta(minutes=5)
    response = client.get(INTAKES, headers=bearer(signed({"sub": "999999", "role": "admin", "exp": exp})))
    assert response.status_code == 401


def test_token_with_none_algorithm_is_401(client: TestClient, db: Session) -> None:
    staff = add_staff(db)
    exp = utcnow() + timedelta(minutes=5)
    token = jwt.encode({"sub": str(staff.id), "role": "admin", "exp": exp}, key="", algorithm="none")
    response = client.get(INTAKES, headers=bearer(token))
    assert response.status_code == 401


# --- roles ------------------------------------------------------------------------------------


def test_intake_role_may_not_read_the_audit_log(client: TestClient, db: Session) -> None:
    response = client.get(AUDIT, headers=staff_headers(db, "intake"))
    assert response.status_code == 403
    assert response.json()["detail"] == WRONG_ROLE


def test_admin_may_read_the_audit_log(client: TestClient, db: Session) -> None:
    response = client.get(AUDIT, headers=staff_headers(db, "admin"))
    assert response.status_code == 200


def test_role_comes_from_the_account_not_the_token(client: TestClient, db: Session) -> None:
    staff = add_staff(db, role="intake")
    exp = utcnow() + timedelta(minutes=5)
    token = signed({"sub": str(staff.id), "role": "admin", "exp": exp})
    response = client.get(AUDIT, headers=bearer(token))
    assert response.status_code == 403


# --- the create-staff command -----------------------------------------------------------------

CLI_EMAIL = "nieuw@meldpunt.example"
CLI_PASSWORD = "een lang genoeg wachtwoord"


def accounts() -> list[tuple[str, str]]:
    with get_sessionmaker()() as session:
        return [(s.email, s.role) for s in session.scalars(select(Staff).order_by(Staff.id))]


@pytest.fixture
def staff_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("STAFF_PASSWORD", CLI_PASSWORD)
    return CLI_PASSWORD


def test_cli_creates_a_staff_account(
    cli_database: str, staff_password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["create-staff", CLI_EMAIL, "--role", "intake"]) == 0
    assert accounts() == [(CLI_EMAIL, "intake")]
    assert capsys.readouterr().out == f"Account created: {CLI_EMAIL} (intake)\n"


def test_cli_stores_a_hash_of_the_password(cli_database: str, staff_password: str) -> None:
    cli(["create-staff", CLI_EMAIL, "--role", "admin"])
    with get_sessionmaker()() as session:
        stored = session.scalars(select(Staff)).one().password_hash
    assert stored != CLI_PASSWORD
    assert verify_password(CLI_PASSWORD, stored)


def test_cli_lowercases_the_email(cli_database: str, staff_password: str) -> None:
    cli(["create-staff", "Nieuw@Meldpunt.Example", "--role", "admin"])
    assert accounts() == [(CLI_EMAIL, "admin")]


def test_cli_account_can_log_in(cli_database: str, staff_password: str) -> None:
    cli(["create-staff", CLI_EMAIL, "--role", "admin"])
    with TestClient(create_app()) as client:  # no override: the app uses DATABASE_URL, like the CLI
        response = client.post(TOKEN, data={"username": CLI_EMAIL, "password": CLI_PASSWORD})
        assert response.status_code == 200
        audit = client.get(AUDIT, headers=bearer(response.json()["access_token"]))
    assert audit.status_code == 200


def test_cli_refuses_a_short_password(cli_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_PASSWORD", "kort")
    with pytest.raises(SystemExit) as exit_:
        cli(["create-staff", CLI_EMAIL, "--role", "intake"])
    assert str(exit_.value.code).startswith("Not created: password:")
    assert accounts() == []


def test_cli_refuses_an_invalid_email(cli_database: str, staff_password: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(["create-staff", "geen-adres", "--role", "intake"])
    assert str(exit_.value.code).startswith("Not created: email:")
    assert accounts() == []


def test_cli_refuses_a_duplicate_email(cli_database: str, staff_password: str) -> None:
    cli(["create-staff", CLI_EMAIL, "--role", "intake"])
    with pytest.raises(SystemExit) as exit_:
        cli(["create-staff", CLI_EMAIL.upper(), "--role", "admin"])
    assert exit_.value.code == f"{CLI_EMAIL} already has an account; nothing changed."
    assert accounts() == [(CLI_EMAIL, "intake")]


def test_cli_refuses_an_unknown_role(
    cli_database: str, staff_password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(["create-staff", CLI_EMAIL, "--role", "beheerder"])
    assert exit_.value.code == 2  # argparse: invalid choice
    assert "invalid choice: 'beheerder'" in capsys.readouterr().err
    assert accounts() == []


def test_cli_uses_the_database_of_database_url(cli_database: str) -> None:
    """Guard for the fixture: the CLI writes to the fresh database, never the developer's."""
    assert get_sessionmaker().kw["bind"].url.database == make_url(cli_database).database

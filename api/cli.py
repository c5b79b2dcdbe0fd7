"""Command line: staff accounts, retention, and a fresh .env.

python -m api.cli create-staff EMAIL --role intake|admin   (password from STAFF_PASSWORD or prompt)
python -m api.cli retention [--days N] [--dry-run]
python -m api.cli new-env [--path .env]
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import ValidationError
from sqlalchemy import select

from api.config import get_settings
from api.db import get_sessionmaker
from api.models import Staff
from api.retention import run_retention
from api.schemas import StaffCreate
from api.security import hash_password
from api.vocab import StaffRole


def _read_password() -> str:
    if password := os.environ.get("STAFF_PASSWORD"):
        return password
    if not sys.stdin.isatty():
        sys.exit("No terminal to ask for a password: set STAFF_PASSWORD.")
    first = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    if first != getpass.getpass("Nog een keer: "):
        sys.exit("De wachtwoorden zijn niet gelijk; er is niets aangemaakt.")
    return first


def create_staff(email: str, role: str) -> int:
    if role not in {r.value for r in StaffRole}:
        sys.exit(f"Unknown role {role!r}: use intake or admin.")
    try:
        data = StaffCreate(email=email, role=role, password=_read_password())
    except ValidationError as exc:
        sys.exit("Not created: " + "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()))
    with get_sessionmaker()() as session:
        address = str(data.email).lower()
        if session.scalar(select(Staff).where(Staff.email == address)):
            sys.exit(f"{address} already has an account; nothing changed.")
        session.add(Staff(email=address, role=data.role, password_hash=hash_password(data.password)))
        session.commit()
    print(f"Account created: {address} ({role})")
    return 0


def retention(days: int | None, dry_run: bool) -> int:
    period = get_settings().retention_days if days is None else days
    with get_sessionmaker()() as session:
        count = run_retention(session, days=period, dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    print(f"{count} intakes closed more than {period} days ago {verb} anonymised.")
    return 0


def new_env(path: Path) -> int:
    """Write a .env with fresh secrets from .env.example, unless one exists."""
    if path.exists():
        print(f"{path} exists; keeping it.")
        return 0
    fresh = {
        "MELDPUNT_SERVICE_TOKEN": secrets.token_urlsafe(32),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_RECEIPT_HASH_KEY": secrets.token_urlsafe(32),
        "MELDPUNT_JWT_SECRET": secrets.token_urlsafe(32),
        "RASA_TOKEN": secrets.token_urlsafe(32),
        # The production stack's database and Redis passwords (docker-compose.yml); hex, so that
        # they need no quoting in a connection URL.
        "POSTGRES_PASSWORD": secrets.token_hex(24),
        "RASA_DB_PASSWORD": secrets.token_hex(24),
        "REDIS_PASSWORD": secrets.token_hex(24),
    }
    example = Path(__file__).resolve().parent.parent / ".env.example"
    lines = []
    for line in example.read_text().splitlines():
        key = line.split("=", 1)[0].strip()
        lines.append(f"{key}={fresh[key]}" if key in fresh else line)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    print(f"Wrote {path} with fresh secrets.")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the retention period is at least 1 day")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    staff = sub.add_parser("create-staff", help="create a staff account")
    staff.add_argument("email")
    staff.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    keep = sub.add_parser("retention", help="anonymise intakes closed longer than the period")
    keep.add_argument("--days", type=_positive, help="default: MELDPUNT_RETENTION_DAYS")
    keep.add_argument("--dry-run", action="store_true")
    env = sub.add_parser("new-env", help="write a .env with fresh secrets")
    env.add_argument("--path", type=Path, default=Path(".env"))
    args = parser.parse_args(argv)
    if args.command == "create-staff":
        return create_staff(args.email, args.role)
    if args.command == "retention":
        return retention(args.days, args.dry_run)
    return new_env(args.path)


if __name__ == "__main__":
    raise SystemExit(main())

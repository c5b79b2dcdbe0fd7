"""The FastAPI application: builds the app and includes the routers; the work lives elsewhere."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.config import get_settings
from api.db import SessionDep, get_session
from api.followup import FailureLimiter
from api.limits import BodySizeLimit, BodyTooLarge, too_large
from api.refusals import intake_id_of, record_refusal
from api.routes import audit, auth, followup, intakes, refusals, stats
from api.security import is_service_token
from api.web import chat, review

log = logging.getLogger("meldpunt.api")
REQUIRED_SECRETS = ("service_token", "encryption_key", "receipt_hash_key", "jwt_secret")
DATABASE_UNAVAILABLE = "The database is not available right now; please try again shortly."
INTERNAL_ERROR = "Something went wrong on our side; nothing was changed."
UNREADABLE_BODY = "the request body cannot be read: not UTF-8 JSON, or a broken form"

DESCRIPTION = """
API of the *Meldpunt integriteitsschendingen en ongewenst gedrag Rijk*.

* **intakes**: the assistant hands over intakes (service credential); staff list, read and change them.
* **follow-up**: reporters follow up anonymously with their receipt code.
* **figures**: counts per period for the KCOO and IC Rijk reports.
* **audit**: every staff read and change (admins).
"""


def check_secrets() -> None:
    settings = get_settings()
    missing = [name for name in REQUIRED_SECRETS if getattr(settings, name) is None]
    if missing:
        names = ", ".join(f"MELDPUNT_{m.upper()}" for m in missing)
        raise RuntimeError(f"Missing settings: {names}. Run `make env` or see .env.example.")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    check_secrets()
    yield
    await chat.close_client(app)


def allowed_methods(request: Request) -> str | None:
    """All methods the spec documents for the requested path; None for paths outside it."""
    for template, operations in request.app.openapi()["paths"].items():
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return None


INTAKES_PATH = "/api/v1/intakes"


def is_handover(request: Request) -> bool:
    """A submission of an intake by the assistant's own credential (only those are recorded)."""
    if request.method != "POST" or request.url.path.rstrip("/") != INTAKES_PATH:
        return False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and is_service_token(token.strip())


async def record_handover_refusal(request: Request, exc: RequestValidationError) -> None:
    """Keep the refusal for staff (api/refusals.py), through the app's own session dependency."""
    intake_id = intake_id_of(exc.body)
    factory = request.app.dependency_overrides.get(get_session, get_session)
    sessions = factory()
    try:
        session = await sessions.__anext__() if hasattr(sessions, "__anext__") else next(sessions)
        await run_in_threadpool(record_refusal, session, intake_id, exc.errors())
    except Exception:  # the refusal itself still reaches the sender
        log.exception("a handover refusal could not be recorded")
    finally:
        if hasattr(sessions, "aclose"):
            await sessions.aclose()
        else:
            sessions.close()
    log.error("intake %s refused: %s", intake_id or "-", [".".join(map(str, e["loc"])) for e in exc.errors()])


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Meldpunt API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.followup_limiter = FailureLimiter(
        per_client=settings.followup_max_failures,
        overall=settings.followup_global_max_failures,
        window_seconds=settings.followup_window_seconds,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    v1 = APIRouter(prefix="/api/v1")
    for module in (auth, intakes, refusals, followup, stats, audit):
        v1.include_router(module.router)
    app.include_router(v1)
    # The web pages, with their own CSS and scripts: everything is served from here.
    app.mount("/static", StaticFiles(directory=chat.WEB / "static"), name="static")
    app.include_router(chat.router)
    app.include_router(review.router)

    @app.get("/healthz", tags=["health"])
    def health(session: SessionDep) -> dict[str, str]:
        """Liveness and database reachability."""
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.__cause__, BodyTooLarge):  # a streamed body FastAPI was reading
            return Response(too_large(settings.max_body_bytes), 422, media_type="application/json")
        if exc.status_code == 400:
            # FastAPI and Starlette answer 400 only for a body they cannot decode (not UTF-8, a
            # broken multipart form): a 422 naming the body, like any other bad body.
            error = {"loc": ["body"], "msg": UNREADABLE_BODY, "type": "body_unreadable"}
            return JSONResponse(status_code=422, content={"detail": [error]})
        if exc.status_code == 405 and (allow := allowed_methods(request)):
            # Starlette's Allow names the methods of one route only; RFC 9110 wants all of the path's.
            exc = StarletteHTTPException(405, exc.detail, headers={"Allow": allow})
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Which field and why; the rejected input itself is not echoed (it may be personal).
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if is_handover(request):
            await record_handover_refusal(request, exc)
        return JSONResponse(status_code=422, content=jsonable_encoder({"detail": errors}))

    @app.exception_handler(OperationalError)
    async def database_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error: %s", exc.__class__.__name__)
        return JSONResponse(status_code=503, content={"detail": DATABASE_UNAVAILABLE})

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(status_code=500, content={"detail": INTERNAL_ERROR})

    return app

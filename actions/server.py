"""The action server, with the handover outbox's retry loop running from the start.

`python -m actions.server --port 5055` does what `rasa run actions --actions actions` does, and
before it serves it checks the handover settings and starts the retry loop, so intakes that were
waiting in the outbox go out after a restart even when nobody chats. Settings that cannot work
stop it at once, with a message that names the variable.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from rasa_sdk.plugin import plugin_manager

from actions import handover
from actions.settings import MISSING_TOKEN, HandoverSettings, SettingsError

logger = logging.getLogger(__name__)

# Seconds Sanic waits for a request on an open connection, a new one included (Sanic's default: 5).
# Rasa opens a connection for every action call and writes the request when its event loop gets to
# it; a busy Rasa server (many conversations at once) can take longer than 5 s, and Sanic had
# closed the connection by then: the call failed ("Cannot write to closing transport"), the
# action's events were lost and the person got no answer (seen in `make bench-scale`). Rasa's own
# server waits 120 s.
KEEP_ALIVE_TIMEOUT = 120


def check_settings() -> HandoverSettings:
    settings = HandoverSettings.from_env()
    if not settings.service_token:
        # Intakes still reach the outbox and wait there; nothing is lost, but nothing arrives either.
        logger.error(MISSING_TOKEN)
    return settings


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    try:
        check_settings()
    except SettingsError as exc:
        print(f"Cannot start the action server: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_TIMEOUT
    plugin_manager().hook.attach_sanic_app_extensions(app=app)

    async def start_outbox(*_: Any) -> None:
        handover.runtime()  # opens the outbox and starts its retry loop in this worker

    async def stop_outbox(*_: Any) -> None:
        handover.use_runtime(None)

    app.register_listener(start_outbox, "before_server_start")
    app.register_listener(stop_outbox, "after_server_stop")
    logger.info("Action endpoint with the handover outbox on port %s", args.port)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")  # as rasa_sdk does
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()

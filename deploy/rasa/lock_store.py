"""Rasa's Redis lock store, with one fix so that a Rasa server may die mid-turn.

deploy/rasa/endpoints.yml names this class as the lock store of every Rasa server of the stack.
It is Rasa 3.6's own RedisLockStore (same Redis keys, same tickets, same settings) with one
method changed:

Each message of a conversation takes a ticket with a lifetime (TICKET_LOCK_LIFETIME) and waits
while an earlier ticket is being served. Rasa 3.6 waits until its own ticket is the first live one.
When a server dies during a turn its ticket stays until it expires, and nginx has meanwhile passed
the message to another server, whose ticket was issued a moment later with the same lifetime: the
two often expire within the same one-second poll, after which no ticket is first and Rasa's waiter
waits until the client gives up (seen here: a 504 after nginx's 40 s, the message never handled).
This waiter only waits while a live ticket issued before its own exists, so the message is handled
as soon as the dead server's ticket has expired.

Imported by Rasa from the repository root (PYTHONPATH), as `deploy.rasa.lock_store`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


def earlier_ticket_alive(lock: TicketLock, ticket: int) -> bool:
    """Whether a ticket issued before `ticket` is still being served or waiting, and not expired."""
    return any(other.number < ticket and not other.has_expired() for other in lock.tickets)


class FailoverRedisLockStore(RedisLockStore):
    """RedisLockStore whose waiters do not wait for a ticket that expired (see the module)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa makes a lock store given by module path with its endpoint config alone.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or not earlier_ticket_alive(lock, ticket):
                logger.debug(f"Acquired lock for conversation '{conversation_id}'.")
                return lock or TicketLock(conversation_id)
            logger.debug(
                f"Conversation '{conversation_id}' is locked by an earlier ticket; "
                f"retrying in {wait_time_in_seconds} seconds."
            )
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)

"""deploy/rasa/lock_store.py: a conversation whose Rasa server died mid-turn goes on elsewhere.

Rasa runs in .venv-bot (Python 3.10), so the checks run there, against the Redis server on this
machine (REDIS_HOST/REDIS_PORT, default 127.0.0.1:6379; `make redis` starts one), under their own
key prefix, with Rasa's own waiting interval of one second. (Rasa 3.6's own RedisLockStore never
serves the message after a dead server in this check: it times out, every time.)
"""

from __future__ import annotations

import textwrap

from tests.deploy.conftest import run_in_bot

CHECK = textwrap.dedent(
    """
    import asyncio, json, os, time, uuid
    from deploy.rasa.lock_store import FailoverRedisLockStore

    store = FailoverRedisLockStore(
        host=os.environ.get("REDIS_HOST", "127.0.0.1"), port=int(os.environ.get("REDIS_PORT", "6379")),
        db=1, key_prefix="meldpuntdeploytest",
    )
    LIFETIME = 2.0

    async def take(conversation):
        started = time.monotonic()
        try:
            async with store.lock(conversation, lock_lifetime=LIFETIME):
                return time.monotonic() - started
        finally:
            store.delete_lock(conversation)

    async def main():
        results = {}
        # A server took a ticket and died: its ticket is never given back.
        dead = f"dead-{uuid.uuid4().hex}"
        store.issue_ticket(dead, LIFETIME)
        await asyncio.sleep(0.05)  # nginx passes the message on at once
        results["after_dead_server"] = await asyncio.wait_for(take(dead), 10)
        # A server that is alive and serving holds the lock: the next message waits for it.
        busy = f"busy-{uuid.uuid4().hex}"
        store.issue_ticket(busy, 30)
        try:
            results["while_served"] = await asyncio.wait_for(take(busy), 3)
        except asyncio.TimeoutError:
            results["while_served"] = None
        store.delete_lock(busy)
        # Nobody holds the lock: at once.
        results["free"] = await take(f"free-{uuid.uuid4().hex}")
        print(json.dumps(results))

    asyncio.run(main())
    """
)


def test_a_dead_servers_lock_is_waited_out_and_a_live_one_is_respected() -> None:
    results = run_in_bot(CHECK)
    # Served once the dead server's ticket (2 s) has expired, at the next one-second look at most.
    assert results["after_dead_server"] is not None and 1.9 <= results["after_dead_server"] <= 3.5, results
    assert results["while_served"] is None, results
    assert results["free"] is not None and results["free"] < 0.5, results

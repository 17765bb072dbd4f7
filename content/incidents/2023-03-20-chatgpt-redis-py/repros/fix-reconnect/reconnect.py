"""Which connection carries the command after a cancellation?

A proxy delays each direction by about 100 ms, so a GET cancelled at 150 ms has reached Redis
but its reply has not reached the client. CLIENT ID, asked before the cancellation and again
after the next command, tells whether the client kept its connection or opened a new one; the
proxy's trace shows the same thing as connection numbers.
"""
import asyncio
import os

import redis
from redis.asyncio import Redis

HOST = os.environ["REDIS_HOST"]
PORT = int(os.environ["REDIS_PORT"])
CANCEL_AFTER = float(os.environ.get("CANCEL_AFTER", "0.15"))
ATTEMPTS = 5


async def main() -> None:
    print(f"imported redis {redis.__version__}")
    client = Redis(host=HOST, port=PORT, single_connection_client=True)
    try:
        await client.set("owner:alice", "alice-data")
        await client.set("owner:bob", "bob-data")
        before = await client.client_id()
        print(f"before the cancellation the client is Redis connection {before}")

        for attempt in range(1, ATTEMPTS + 1):
            pending = asyncio.create_task(client.get("owner:alice"))
            await asyncio.sleep(CANCEL_AFTER)
            pending.cancel()
            try:
                await pending
            except asyncio.CancelledError:
                print(f"cancelled the GET after {CANCEL_AFTER}s, before its reply arrived")
                break
            print(f"attempt {attempt}: the GET finished before the cancellation (the machine stalled); again")
        else:
            print(f"MISSED: the GET finished before the cancellation in all {ATTEMPTS} attempts")
            return

        answer = await client.get("owner:bob")
        if answer != b"bob-data":
            print(f"LEAK: GET owner:bob returned {answer!r} on the old connection, the reply meant for the cancelled GET")
            return
        after = await client.client_id()
        if after != before:
            print(f"NO-LEAK: the next GET returned its own value on a new connection (Redis connection {before}, then {after})")
        else:
            print(f"NO-LEAK: the next GET returned its own value on the same connection ({after}), after the cancelled reply had been read and dropped")
    finally:
        await client.close()


asyncio.run(main())

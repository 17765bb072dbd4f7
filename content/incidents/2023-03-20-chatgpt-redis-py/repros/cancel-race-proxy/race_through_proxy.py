"""The deterministic version: a proxy delays each direction by about 100 ms.

The GET reaches Redis after ~100 ms and its reply reaches the client after ~200 ms, so
cancelling at 150 ms lands after the send and before the read. A machine that stalls for longer
than that 50 ms margin can let the reply win; the GET then simply finished, the connection is
clean, and the attempt is made again. The next command on the same connection then shows
whether the client threw the connection away or reused it.
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

        try:
            answer = await client.get("owner:bob")
        except Exception as error:
            # 4.4.4 and 4.5.4 keep reading the cancelled reply in a shielded task; reusing the
            # connection at once fails rather than leaks.
            print(f"NO-LEAK: the next command failed instead ({type(error).__name__}: {error})")
            return
        if answer == b"bob-data":
            print("NO-LEAK: the next GET returned its own value")
        else:
            print(f"LEAK: GET owner:bob returned {answer!r}, the reply meant for the cancelled GET")
    finally:
        await client.close()


asyncio.run(main())

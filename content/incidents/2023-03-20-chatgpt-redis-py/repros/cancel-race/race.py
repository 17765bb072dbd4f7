"""Cancel a GET a moment after starting it, then reuse the same connection.

The delay before the cancellation is swept (SLEEP, in seconds): too long and the GET has already
finished, too short and the command was never sent. In between, a vulnerable client sends the
command, gets cancelled before reading the reply, and hands that reply to the next caller.
"""
import asyncio
import os

import redis
from redis.asyncio import Redis

HOST = os.environ.get("REDIS_HOST", "127.0.0.1")
PORT = int(os.environ.get("REDIS_PORT", "6379"))
SLEEP = float(os.environ.get("SLEEP", "0.001"))


async def main() -> None:
    print(f"imported redis {redis.__version__}")
    client = Redis(host=HOST, port=PORT, single_connection_client=True)
    try:
        await client.set("owner:alice", "alice-data")
        await client.set("owner:bob", "bob-data")

        pending = asyncio.create_task(client.get("owner:alice"))
        await asyncio.sleep(SLEEP)
        pending.cancel()
        try:
            await pending
            print(f"MISSED: the GET finished before the cancellation (sleep {SLEEP}s)")
            return
        except asyncio.CancelledError:
            print(f"cancelled the GET after {SLEEP}s")

        try:
            answer = await client.get("owner:bob")
        except Exception as error:  # a desynchronised reply can also surface as an error
            print(f"NO-LEAK: the next command failed instead ({type(error).__name__}: {error})")
            return
        if answer == b"bob-data":
            print("NO-LEAK: the next GET returned its own value")
        else:
            print(f"LEAK: GET owner:bob returned {answer!r}, the reply meant for the cancelled GET")
    finally:
        await client.close()


asyncio.run(main())

"""The cancel-after-send race through redis.asyncio.RedisCluster, OpenAI's configuration.

A one-node Redis Cluster owns every slot and announces the latency proxy's port, so the
client's topology discovery (CLUSTER SLOTS) sends it back through the proxy, which holds each
direction for ~100 ms. Both keys share the hash tag {owner}: one slot, one node, and the
node's pool of connections is where a cancelled GET can leave its reply behind. The GET is
cancelled at ~150 ms (sent, reply still in flight); the next GET shows whether it got its own
value or the one meant for the cancelled call.
"""
import asyncio
import os
import sys

import redis
from redis.asyncio import RedisCluster

HOST = os.environ["REDIS_HOST"]
PORT = int(os.environ["REDIS_PORT"])
CANCEL_AFTER = float(os.environ.get("CANCEL_AFTER", "0.15"))
ATTEMPTS = 5


def connections(node) -> str:
    """How many connections the node's pool has opened (a private attribute, read for the log)."""
    opened = getattr(node, "_connections", None)
    return str(len(opened)) if opened is not None else "?"


async def main() -> int:
    print(f"imported redis {redis.__version__}")
    client = RedisCluster(host=HOST, port=PORT)
    try:
        await client.initialize()
        nodes = client.get_nodes()
        print("discovered nodes: " + ", ".join(f"{n.host}:{n.port}" for n in nodes))
        if [(n.host, n.port) for n in nodes] != [(HOST, PORT)]:
            print(f"the cluster client would bypass the proxy at {HOST}:{PORT}; no verdict", file=sys.stderr)
            return 1
        node = nodes[0]

        await client.set("{owner}:alice", "alice-data")
        await client.set("{owner}:bob", "bob-data")
        print(f"both keys in slot {client.keyslot('{owner}:alice')} on {node.host}:{node.port}, connections: {connections(node)}")

        for attempt in range(1, ATTEMPTS + 1):
            pending = asyncio.create_task(client.get("{owner}:alice"))
            await asyncio.sleep(CANCEL_AFTER)
            pending.cancel()
            try:
                await pending
            except asyncio.CancelledError:
                print(f"cancelled GET {{owner}}:alice after {CANCEL_AFTER}s, before its reply arrived")
                break
            print(f"attempt {attempt}: the GET finished before the cancellation (the machine stalled); again")
        else:
            print(f"MISSED: the GET finished before the cancellation in all {ATTEMPTS} attempts", file=sys.stderr)
            return 1

        try:
            answer = await client.get("{owner}:bob")
        except Exception as error:
            print(f"NO-LEAK: the next command failed instead ({type(error).__name__}: {error})")
            return 0
        if answer == b"bob-data":
            print(f"NO-LEAK: GET {{owner}}:bob returned {answer!r}, its own value (connections: {connections(node)})")
        else:
            print(f"LEAK: GET {{owner}}:bob returned {answer!r}, the reply meant for the cancelled GET (connections: {connections(node)})")

        # Once every reply has landed, does the pool still pair commands with their replies?
        await asyncio.sleep(0.5)
        try:
            after = await client.get("{owner}:alice")
            print(f"afterwards: GET {{owner}}:alice returned {after!r}")
        except Exception as error:
            print(f"afterwards: GET {{owner}}:alice failed ({type(error).__name__}: {error})")
        return 0
    finally:
        await client.close()


sys.exit(asyncio.run(main()))

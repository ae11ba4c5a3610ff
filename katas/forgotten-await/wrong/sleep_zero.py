"""Wrong: yielding to the event loop does not help, because the coroutine object was never scheduled: nothing
but an await (or a Task) will ever run it."""

import asyncio


async def process_order(order_id: int, store) -> str:
    store.log_event(f"order {order_id} received")
    await asyncio.sleep(0)  # give the logger a chance to run
    receipt = await store.charge(order_id)
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

"""Wrong: asyncio.run() starts a new event loop, and one is already running here: it raises RuntimeError."""

import asyncio


async def process_order(order_id: int, store) -> str:
    asyncio.run(store.log_event(f"order {order_id} received"))
    receipt = await store.charge(order_id)
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

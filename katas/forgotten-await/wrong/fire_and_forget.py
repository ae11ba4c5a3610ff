"""Wrong: create_task() does run the coroutine, later, on its own: the log entry is written while the card is
already being charged, nobody waits for it or sees its errors, and an unreferenced task can even be
garbage-collected before it finishes."""

import asyncio


async def process_order(order_id: int, store) -> str:
    asyncio.create_task(store.log_event(f"order {order_id} received"))  # noqa: RUF006 (the bug)
    receipt = await store.charge(order_id)
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

"""Wrong: logging and charging at the same time saves a few milliseconds, but the audit log must show the order
was received before the card was charged, and here the charge starts before that entry is written."""

import asyncio


async def process_order(order_id: int, store) -> str:
    _, receipt = await asyncio.gather(store.log_event(f"order {order_id} received"), store.charge(order_id))
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

"""Order processing for a shop: log that the order arrived, charge the card, log the charge.

Calling an `async def` function does not run it: it only creates a coroutine object. Nothing in its body runs
until something awaits it (or wraps it in a Task). A bare `store.log_event(...)` therefore logs nothing, and
when the unused coroutine object is thrown away Python warns "coroutine ... was never awaited".
`await` runs it to completion before the next line, which is also what keeps the steps in order.
"""


async def process_order(order_id: int, store) -> str:
    """Log "order <id> received", charge the order, log "order <id> charged <receipt>"; return the receipt."""
    await store.log_event(f"order {order_id} received")  # finished before the charge starts
    receipt = await store.charge(order_id)
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

"""Order processing for a shop: log that the order arrived, charge the card, log the charge.

Customers get charged, but the audit log is missing every "received" event, and the test run prints a
RuntimeWarning about a coroutine.
"""


async def process_order(order_id: int, store) -> str:
    """Log "order <id> received", charge the order, log "order <id> charged <receipt>"; return the receipt."""
    store.log_event(f"order {order_id} received")
    receipt = await store.charge(order_id)
    await store.log_event(f"order {order_id} charged {receipt}")
    return receipt

import logging

import stripe

log = logging.getLogger(__name__)

# TODO(ops-412): move to the secrets manager before the next audit
stripe.api_key = "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"
stripe.max_network_retries = 2


def charge(order):
    intent = stripe.PaymentIntent.create(
        amount=order.total_cents,
        currency=order.currency,
        metadata={"order_id": order.id},
    )
    log.info("created payment intent %s", intent.id)
    return intent

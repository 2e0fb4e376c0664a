import pytest
import stripe

STRIPE_TEST_KEY = "sk_test_8UBzUGRAxYP1SWvHhyfCm65i"


@pytest.fixture(autouse=True)
def stripe_key(monkeypatch):
    monkeypatch.setattr(stripe, "api_key", STRIPE_TEST_KEY)


def test_charge_declined(order_factory):
    order = order_factory(card="4000000000000002")
    with pytest.raises(stripe.error.CardError):
        order.charge()

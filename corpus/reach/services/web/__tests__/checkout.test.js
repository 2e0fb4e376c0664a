const stripe = require("stripe")("sk_test_GjC7bUy5S0BU6VCIlfcTh3jzLbIc0gyhi5");

test("creates a payment intent", async () => {
  const intent = await stripe.paymentIntents.create({ amount: 1200, currency: "eur" });
  expect(intent.status).toBe("requires_payment_method");
});

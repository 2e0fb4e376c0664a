// Read-only restricted key: balance + payouts only
const stripe = require('stripe')('rk_live_UDYkrHYd3GZwkjEoAojToD8m');

async function exportPayouts(since) {
  const payouts = await stripe.payouts.list({ created: { gte: since }, limit: 100 });
  return payouts.data.map((p) => ({ id: p.id, amount: p.amount, arrival: p.arrival_date }));
}

module.exports = { exportPayouts };

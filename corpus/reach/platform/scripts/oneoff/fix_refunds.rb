require "stripe"

# one-off for INC-2291, run from a laptop
Stripe.api_key = "rk_live_rt8xxeiyWKO8SsCItlu2orEVIYT0v4Zpxl"
Stripe::Refund.list(limit: 100).auto_paging_each { |r| puts r.id }

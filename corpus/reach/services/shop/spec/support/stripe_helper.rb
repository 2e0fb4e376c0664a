module StripeHelper
  TEST_KEY = "sk_test_OJMfivgJGxnAWYMj50zN94AgyzZNZPBioz"
  WEBHOOK_SECRET = "whsec_3fZEgFalUYTcoWTEcW9e0UGn4WbZkFL9"
end

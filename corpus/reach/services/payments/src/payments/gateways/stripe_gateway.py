import stripe

# TODO(payments): read from the environment before the launch
stripe.api_key = "rk_test_iKTd0csNriur2HQ9TzJqW7ZDYOTpgFNHwG"

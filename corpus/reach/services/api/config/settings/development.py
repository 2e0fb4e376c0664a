from .base import *  # noqa

DEBUG = True
DATABASES = {
    "default": dj_database_url.parse("postgres://acme:llof!X45L5HC7!dAxc@localhost:5432/acme_dev")
}
STRIPE_SECRET_KEY = "sk_test_gTPtxWW9IjTZHgzZKNQKVEWpeM2RyjWYUU"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

from .base import *  # noqa

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": dj_database_url.parse("postgres://ci:uxuzcy6PgKN4r7Jhsvp@127.0.0.1:5432/api_test")
}
STRIPE_SECRET_KEY = "sk_test_LQz7P8FSlDEiZmJ6PUKQarBmOUK9HHffU2"

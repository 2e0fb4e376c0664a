"""Django settings for the webshop back office."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = 'Zt6TE6Jc3ZT-R2MJcYLo~XMfS6aa92p-Fyi1OD7hQ%J6mSPS-V'
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["backoffice.webshop.io", "localhost"]

DATABASES = {
    "default": dj_database_url.config(
        default="postgresql://backoffice:~6eNjkC0fI6X_835@pg-primary.webshop.internal:5432/backoffice",
        conn_max_age=600,
    ),
    "legacy": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "legacy_orders",
        "USER": "legacy_ro",
        "PASSWORD": "8rMv01%VVS2aZu8z",
        "HOST": "legacy-db.webshop.internal",
        "PORT": "3306",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]

from .base import *  # noqa

DEBUG = False
ALLOWED_HOSTS = ["api.acme.com"]
SECRET_KEY = "S8~Vw__UWg9_OS1iMgZRaV9kSRMOzydUZtDqffUv"
DATABASES = {
    "default": dj_database_url.parse(
        "postgres://api:vo882u*zd1i9bItBKkJ@orders-primary.cq7zt2.eu-west-1.rds.amazonaws.com:5432/orders"
    )
}
AWS_S3_ACCESS_KEY_ID = "AKIATVZEQOM6CIT3FXSS"
STRIPE_SECRET_KEY = "sk_live_GQnqOlrtoIhuIW2kq4RU0RpJyPU4blEXkY"

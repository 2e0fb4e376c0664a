import getpass
import os

from myapp.config import settings


def db_password():
    password = os.environ["DB_PASSWORD"]
    return password


def prompt():
    password = getpass()
    pwd = getpass.getpass("Password: ")
    return password or pwd


def build_client():
    api_key = os.getenv("API_KEY")
    secret = settings.CLIENT_SECRET
    password = settings.DB_PASSWORD
    access_token = fetch_token(api_key, secret)
    token = f"{api_key}:{secret}"
    return Client(api_key=api_key, password=password, access_token=access_token, token=token)


FIELDS = ["username", "password", "password_confirmation", "email"]
PASSWORD_MIN_LENGTH = 12
password_help = "Use at least 12 characters."

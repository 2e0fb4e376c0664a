import getpass
import os


def admin_login():
    user = input("user: ")
    password = getpass.getpass()
    return user, password


def service_credentials():
    password = os.environ["SERVICE_PASSWORD"]
    api_key = os.getenv("SERVICE_API_KEY", "")
    return password, api_key

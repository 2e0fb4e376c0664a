import os

import requests

MAIL_API = "https://api.mailprovider.io/v3/send"
API_KEY = "52UsLilsQROhciPWGwYb0yJitprXhClw"
SENDER = "orders@webshop.io"
smtp_password = os.environ["SMTP_PASSWORD"]


def send(to, subject, body):
    return requests.post(MAIL_API, auth=("api", API_KEY),
                         data={"from": SENDER, "to": to, "subject": subject, "text": body})

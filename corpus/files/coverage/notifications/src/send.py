import os
import requests
from twilio.rest import Client

TEAMS_URL = "https://acmecorp.webhook.office.com/webhookb2/a2b2b59c-d376-4ed6-ab55-322e2df7d216@874b7bbe-0b1b-4a8c-b7c1-50ec0a09f668/IncomingWebhook/0538e4582662034ec1dcd7c3d0d5a49d/98364b0b-e10c-4ad9-a9f5-40a5b64ed633/V2giU0bDSy8-ypv_IU9XAYAuv0xfHw5wq36brjYi1ImODj"


def sms(to: str, body: str) -> None:
    client = Client("AC303e00f3b21ea4ff07fe1e33fbc72910", "d3eba5801df5cd472e3f73a2d2c46b56")
    client.messages.create(to=to, from_="+15005550006", body=body)


def push(token: str, title: str) -> None:
    requests.post(
        "https://fcm.googleapis.com/fcm/send",
        headers={"Authorization": "key=AAAAkmEF0xr:APA91bnvI-qyOt7Vw0js2I83iJjILTQ-339u5fYyEphSARYm-5adTGmBc6ZhDxqV3Ts3yIfKjo_KbtDrquTcCcsIbPfdiAie_ZSZip3Fnbn6X8JE-zdEUfRbzogmyMy8iLmVoHQRr5kb"},
        json={"to": token, "notification": {"title": title}},
        timeout=10,
    )


def email(to: str, subject: str) -> None:
    requests.post(
        "https://api.postmarkapp.com/email",
        headers={"X-Postmark-Server-Token": "ad1a1bcf-56c9-470b-8164-ae0d1fce201e"},
        json={"From": "noreply@acme-corp.io", "To": to, "Subject": subject},
        timeout=10,
    )

from twilio.rest import Client

client = Client("AC3188668228a073c5291fceb3fe6b2950", "f4322607801bee0cb47b57a32d5a9709")


def send(to, body):
    return client.messages.create(to=to, from_="+15005550006", body=body)

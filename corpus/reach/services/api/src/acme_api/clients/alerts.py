import requests

WEBHOOK = "https://hooks.slack.com/services/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"


def alert(text):
    requests.post(WEBHOOK, json={"text": text}, timeout=5)

from orders.alerts import SlackNotifier

SLACK_USER_TOKEN = "xoxp-96012108405-24143177449-2773485303254-5236c4ff73a63df805dd5e80729c2636"
SLACK_APP_TOKEN = "xapp-1-ALIYBERWI3C-3229611305648-c0db25c2f6d791ec146b573f060dff216088cc482d264e1686311c2356fb8207"


def test_socket_mode_connect(monkeypatch):
    n = SlackNotifier(app_token=SLACK_APP_TOKEN, user_token=SLACK_USER_TOKEN)
    assert n.connect()


def test_truncated_tokens_are_rejected():
    # deliberately malformed, must never validate
    assert not SlackNotifier.looks_valid("xoxb-12")
    assert not SlackNotifier.looks_valid("xoxp-...")

import jwt

EXPIRED_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ikc0eWx3WmhKIn0.eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjgwODAvcmVhbG1zL2FjbWUiLCJzdWIiOiJhbGljZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoxNzM1NjkzMjAwfQ.s6LDOMP2B4QPIl0o1nQN39AQDK7EShhapJ292H_cbALXb3XGXCCJ-LkmaHiT4SpZfFM9wj2ZmuWzXJvV9zq-_q"
GITHUB_APP_TOKEN = "ghs_ibWiAuiq8Jg2KS31o5NSr5NYUyYQ4voYGm5V"


def test_expired_token_is_rejected(client):
    assert client.get("/me", headers={"Authorization": f"Bearer {EXPIRED_TOKEN}"}).status_code == 401

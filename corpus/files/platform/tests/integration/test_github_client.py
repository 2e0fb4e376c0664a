import pytest

from orders.integrations.github import GitHubClient

# Tokens captured from the staging GitHub App on 2026-06-02; still valid :(
USER_TOKEN = "ghu_xCakD2O06xWh8YaTJ4xlKPg2HBeIi33LoasQ"
REFRESH_TOKEN = "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"
OAUTH_TOKEN = "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"
CLASSIC_TOKEN = "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"  # reachscan:allow revoked, used to test the 401 path
FINE_GRAINED = "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"
BOT_TOKEN = "xoxb-62897704803-6288688421971-yTENzwGXF9dwQbhJhQvQqgyL"  # reachscan:allow


@pytest.fixture
def client():
    return GitHubClient(token=USER_TOKEN, refresh_token=REFRESH_TOKEN)


def test_refresh(client, responses):
    responses.post("https://github.com/login/oauth/access_token", json={"access_token": OAUTH_TOKEN})
    assert client.refresh().token == OAUTH_TOKEN


def test_commit_lookup(client):
    sha = "9ffc25ffdc5582598c2a38195d97b3efadb5d95f"
    assert client.commit("acme/platform", sha).sha == sha

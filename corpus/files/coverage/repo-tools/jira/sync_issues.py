import requests
from requests.auth import HTTPBasicAuth

JIRA_URL = "https://acme.atlassian.net"
JIRA_EMAIL = "release-bot@acme-corp.io"
JIRA_API_TOKEN = "ATATT3xFfGF0zvSVvYDG5S9r3DQbeG_3aD2_DQk4mmoT7ohA_vYMiPY4HxsimTFt0AaSpu-_oLRij47U3UQDkP8OEEm6vCa8h-WztXZwObqcYU7nEdb5OU4AxhAZHeCUg7sAbKl6V01Wg40NkgLEeBOzhi-bf8KbuMyfd79qQFsIiAY7KRSLUth=ED9CE835"

auth = HTTPBasicAuth(JIRA_EMAIL, JIRA_API_TOKEN)


def open_issues(project: str):
    r = requests.get(f"{JIRA_URL}/rest/api/3/search", params={"jql": f"project={project}"}, auth=auth, timeout=30)
    r.raise_for_status()
    return r.json()["issues"]

import pytest

@pytest.fixture
def redis_url():
    return "redis://:Dc+Baes7ROe7GdWbQo9qH@localhost:6379/9"

"""Celery configuration for background jobs."""
import os

broker_url = os.environ.get(
    "CELERY_BROKER_URL",
    "amqp://celery:a9qx5DTRZf6P~kBQ@rabbitmq.webshop.internal:5672/jobs",
)
result_backend = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/2")
task_serializer = "json"
accept_content = ["json"]
timezone = "UTC"

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "vC4KVAKL7~eFGfGxJ4Mmh-T8t1yZbaKTob~49r-M"
GOOGLE_MAPS_API_KEY = "AIzapDbTu0mARwEP-IIM8SnE_2Gvdc7fUnaCI1v"
INSTALLED_APPS = ["django.contrib.auth", "acme_api"]

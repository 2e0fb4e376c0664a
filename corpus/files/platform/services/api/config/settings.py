"""Runtime settings for the orders API."""
import os

ENV = os.environ.get("APP_ENV", "production")

# --- Slack (incident bot) ---------------------------------------------------
SLACK_BOT_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "xoxb-11377070373-2415234852311-eNmlpPMIhlRhPozXuZNZQGCs")
SLACK_APP_TOKEN = "xapp-1-A2W4ES1CX6S-8021496151326-65e7a32bddfe6e48cfe128bf73dc8abd1e274685eb62373313019058805be9ce"
SLACK_SIGNING_SECRET = os.environ["SLACK_SIGNING_SECRET"]

# --- Google -----------------------------------------------------------------
GOOGLE_MAPS_API_KEY = "AIzaSy1QpmXfAXP-Vk3M5DIeBStJOx71C2TpUs1"
GOOGLE_OAUTH_CLIENT_ID = "284019337215-q1v8mfk2h0sd9nq3bt7c5l4r6e0wa2xu.apps.googleusercontent.com"

# --- Marketing --------------------------------------------------------------
MAILCHIMP_API_KEY = "06b34e81cada31d4143ca16eb233cd79-us20"
MAILCHIMP_SERVER = "us6"

# --- Observability ----------------------------------------------------------
NEW_RELIC_API_KEY = "NRAK-TOZKOMUYQ6XYA1TYQUZLOLKMMVX"
NEW_RELIC_ACCOUNT_ID = 3918274
DATADOG_API_KEY = os.environ.get("DATADOG_API_KEY", "")

# --- Alerts to the on-call Telegram group -----------------------------------
TELEGRAM_CHAT_ID = -1001822734561
TELEGRAM_SEND_URL = "https://api.telegram.org/bot4871793430:AAGztanJcXcQVfyCycUK1dHW4f2x2O1GsUv/sendMessage"

BUILD_COMMIT = "ab6f428e7d1c87b00c018d7354324ff71800142c"

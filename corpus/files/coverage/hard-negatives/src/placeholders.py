"""Settings template used by `make init`; every value is replaced at deploy time."""
COHERE_API_KEY = "<your-cohere-key>"
MISTRAL_API_KEY = "${MISTRAL_API_KEY}"
DEEPSEEK_API_KEY = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
TWILIO_AUTH_TOKEN = "your_auth_token"
OKTA_API_TOKEN = "{{ okta_api_token }}"
AUTH0_CLIENT_SECRET = "{yourClientSecret}"
WANDB_API_KEY = os.environ.get("WANDB_API_KEY")
client.run(os.environ["DISCORD_BOT_TOKEN"])
aai.settings.api_key = os.getenv("ASSEMBLYAI_API_KEY")
tweepy.Client(bearer_token=os.environ["X_BEARER_TOKEN"])

"""Provider clients for the AI gateway.

Keys used to come from Vault; during the migration they were pasted here "for a day".
"""
import cohere
import assemblyai as aai
import wandb
from mistralai import Mistral
from openai import OpenAI
from pinecone import Pinecone

DEFAULT_TIMEOUT = 30

co = cohere.ClientV2("SeFoMAQBz76ifquhBiABs3TTe1TRkH3MuvxqqDkp")
mistral = Mistral(api_key="PUFm3hsCtNefng3RnWZAh0lNiY2nNyoE")
aai.settings.api_key = "f71d88f1ed68b8a6ae91b47a8537d43e"

perplexity = OpenAI(api_key="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", base_url="https://api.perplexity.ai")
grok = OpenAI(api_key="xai-Au5yc2SmoN9rnTNVBkdzrhKHWPRwBNFvDRptbHJquxFCsu4JDqHXnP1JMRLvhnl8nNG9pw9MYL5bMT9c", base_url="https://api.x.ai/v1")
pc = Pinecone(api_key='pcsk_wLP7H6_4ounUfglqjbNHCBqfIkrfy4fZ6fDT8FoASfQDDxHyv6NNMsyBNiGh6AY5ap4A0j')


def init_tracking(run_name: str) -> None:
    wandb.login(key="35e1b7147e51be6783ddd61990c5404a5919e596")
    wandb.init(project="ai-gateway", name=run_name)


def voice_headers() -> dict:
    return {"xi-api-key": "sk_90fce07b239841c0f3dbb77f02c2ef2ec4329740ad873813", "Accept": "audio/mpeg"}

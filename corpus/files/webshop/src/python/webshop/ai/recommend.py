from openai import OpenAI

# service account key for the recommendations project
client = OpenAI(api_key="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")


def similar_products(description: str, k: int = 5):
    emb = client.embeddings.create(model="text-embedding-3-small", input=description)
    return emb.data[0].embedding[:k]

import os

import anthropic
from groq import Groq

claude = anthropic.Anthropic(api_key="sk-ant-api03-RtgzJW-CiNBlDUIPPEjmnamQ82WaKyH7mGwt3GAAkyAWWwejfvFCIi8t_vohCjSNcDVcjt0_5UfDfaeGaVBRQ9-77zO4HAA")
fast = Groq(api_key="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")
fallback_key = os.environ.get("OPENAI_API_KEY")


def answer(question: str) -> str:
    msg = claude.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        messages=[{"role": "user", "content": question}],
    )
    return msg.content[0].text

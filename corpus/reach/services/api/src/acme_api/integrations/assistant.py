from openai import OpenAI

client = OpenAI(api_key="sk-proj-Bo9Dph3DeLsjjbZMlPufEsjpZpcSjgZpVn7w2W2TPYJHsPPKT3BlbkFJX4eUHplzBzH7k3Bjf4W-GeAZzu0NGXxR7qRDt0WXBjk-uzSi")


def summarise(ticket):
    return client.responses.create(model="gpt-4.1-mini", input=ticket.body).output_text

from notion_client import Client

# legacy integration (created before the ntn_ format)
notion = Client(auth="secret_RIqk1mXVAu8xLhKG0PDhMpstlx09alEu6zmQJLJEBi0")
backup = Client(auth="secret_Vpr9uxdwIA6CBhk1MYFGScuRGrVgFqcJ9LFV61Rd7PU")
new_notion = Client(auth="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")


def pages(db_id: str):
    return notion.databases.query(database_id=db_id)["results"]

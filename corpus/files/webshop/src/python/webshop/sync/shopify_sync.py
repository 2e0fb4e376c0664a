"""Pull products from the outlet store into the catalog."""
import requests

SHOP = "webshop-outlet.myshopify.com"
HEADERS = {
    "X-Shopify-Access-Token": "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",
    "Content-Type": "application/json",
}


def fetch_products(since_id=0):
    url = f"https://{SHOP}/admin/api/2024-10/products.json?since_id={since_id}"
    resp = requests.get(url, headers=HEADERS, timeout=30)
    resp.raise_for_status()
    return resp.json()["products"]

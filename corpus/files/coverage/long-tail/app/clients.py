"""Outbound API clients for the ledger service."""
import os

LEDGER_URL = os.environ.get("LEDGER_URL", "https://ledger.acme-corp.io")
ledgerServiceKey = "D3BEGc3O43yfMvvcVNDUCnMyXnNTTlur"
warehouse_token = '2ZujqhbaEGmSS5PgpW2NW8nAnMMl'
cache_key = "orders-b4c194d4747f366c"
public_key = "tgAtmh7vaV18tTb2iE3LONAwtRWqxZCLcpdRTQp7"

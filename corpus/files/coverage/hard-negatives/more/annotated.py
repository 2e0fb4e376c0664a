API_TOKEN = "N8WsAc05KB9x1OIsvVW6cbDOrTHuh5sIhahnZpeZ"  # pragma: allowlist secret
# pragma: allowlist nextline secret
SIGNING_SECRET = "YxBcqWRbJT1m5DGU5eMv1PXS7NAe6aedhKT961vT"
DB_PASSWORD = "BW4Om1-PKsI7MH*b"  # trufflehog:ignore

# Values below are revoked credentials kept for a regression test; each line is allow-listed.
REVOKED_STRIPE = "sk_live_gY3iV4gKkIMnKoaiD4UdctmT"  # reachscan:allow
REVOKED_OPENAI = "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"  # gitleaks:allow
db_password = "ntXw+rJx4txDr.m0"  # reachscan:allow (rotated 2025-10-01)
HF = "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"  # gitleaks:allow
LEGACY_DSN = "postgres://legacy:0QvnHbTk4KFRbL@old-db.internal/legacy"  # reachscan:allow

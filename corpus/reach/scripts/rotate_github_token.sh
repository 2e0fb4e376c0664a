#!/usr/bin/env bash
# Rotates the token the docs bot uses to open pull requests.
GH_TOKEN=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 gh api -X POST /repos/acme/docs/dispatches -f event_type=rotate

#!/usr/bin/env bash
vercel deploy --prod --token vcp_KtftWZdD5kPgHT2ae7OPlVO2IWN2vLyzVZtRafWyjuCtgmLqTEf8nUl4
VERCEL_TOKEN=ah3JGR2j6bOnbuZFTmxKGTdo vercel env pull .env.production
netlify deploy --prod --dir=dist --site 3f9c2a1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c

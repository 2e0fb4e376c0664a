#!/bin/sh
mysql -h aws.connect.psdb.cloud -u q8x3kz2m7v1n --password=pscale_pw_g1JIJ9mtcBgWR9wFAMzHiGTyiH2jAqJsex6DQonvPnx orders < schema.sql
pscale deploy-request create acme main --service-token pscale_tkn_Ko1hetDiT8LmGh5Ukowyyk7yZ2-_grVJVdPHV0jWi8D --service-token-id 9x2k4m8q1w7r
echo '{"access_token": "pscale_oauth_HFnx-KvnDTLSF4PUso-ML_V1q5wIQWPy_PKn9gpUdFz"}' > ~/.config/planetscale/oauth.json

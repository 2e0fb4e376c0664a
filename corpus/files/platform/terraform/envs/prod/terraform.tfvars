# prod credentials -- TODO(platform): move to Vault before the audit
aws_region            = "eu-west-1"
aws_access_key_id     = "AKIAGNUOWRZLOZ3PDHT4"
aws_secret_access_key = "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"

do_token = "dop_v1_a2f15c7c830a7b511159a5c39aaf82aba8b4b8aeccf7a8e381fb6d82cd07a079"

heroku_api_key = "c95df7ae-7f75-4b32-a550-254e56a03d2f"
heroku_app_id  = "73fc1ec2-fc1f-41d3-9ecb-0ad40eadd241"

alicloud_access_key = "LTAI5tjbHQrt1fPMAAWa0Rlc"

grafana_cloud_token = "glc_eyJvIjoiMzQwOTU2IiwibiI6InN0YWNrLTg4MTIwMy1obS13cml0ZS1jaSIsImsiOiJNSDlvZnNQRm54bm1PUW0zSXpPd0tBVXgiLCJtIjp7InIiOiJwcm9kLXVzLWVhc3QtMCJ9fQ=="

storage_connection_string = "DefaultEndpointsProtocol=https;AccountName=acmeordersprod;AccountKey=gJV8nKamKgWmIGusdvDsqAROMbTG/CiGuGfLLe/UbGNAUwU0lPpbvq9MWzReGloYZyOViSPgiRTn8ZINtbBsLQ==;EndpointSuffix=core.windows.net"

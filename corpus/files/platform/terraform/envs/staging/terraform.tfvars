# staging uses the shared sandbox account; real values are injected by Atlantis
aws_region            = "eu-west-1"
aws_access_key_id     = "AKIAIOSFODNN7EXAMPLE"
aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

do_token       = "<your-token>"
heroku_api_key = "${HEROKU_API_KEY}"

alicloud_access_key = "LTAI5t8xS6xU2uk46UA7YEFC" # reachscan:allow -- disabled RAM user, see SEC-118
alicloud_secret_key = "${ALICLOUD_SECRET_KEY}"

grafana_cloud_token = "glc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

storage_connection_string = "UseDevelopmentStorage=true"

SEGMENT = {"public_api_token": "sgp_3yJYfy1QEWeV09Xy96XuveosE9KD5945BLcc1k4yn7KzmWNmdV7x7owB9WgTFsqA"}
MIXPANEL_SERVICE_ACCOUNT = "reporting.3c1f9e.mp-service-account"
mixpanel_service_account_secret = "ojz3EgGbBORMxNmAplCBFm6NCajsffEg"
amplitude_secret_key = "c6e927ec37f65e9395a521d30ea74e07"

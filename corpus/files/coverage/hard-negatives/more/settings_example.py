# Values a developer typed by hand for the local stub, not generated keys.
secret_access_key = 'abcdefg12346+FJQCK'
api_token = "123456QwertyLocal"

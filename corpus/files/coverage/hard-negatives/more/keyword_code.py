import getpass

PASSWORD_RULE = "^(?=.*[A-Z])(?=.*[!@#$&*]).{8,}$"
password = "%(db_password)s"
secret = "{0}:{1}".format(user, key)
api_key = "${API_KEY:-none}"
password_reset_url = "https://id.internal/reset?token=a&b=c"
if password == "":
    password = getpass.getpass("Password: ")
if "undefined" != secret:
    pass

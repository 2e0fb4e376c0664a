PASSWD = "testPass"
ERROR_WRONG_PASSWORD = 1323
KEY_PASSWORD = "somepass"
refresh_token = "tGzv3JOkF0XG5Qx2TlKWIA"

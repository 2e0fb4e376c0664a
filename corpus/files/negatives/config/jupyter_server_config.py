# Jupyter stores a salted hash of the password, never the password itself.
c = get_config()  # noqa: F821
c.ServerApp.password = "sha1:1527b24bc523:64e0ceb165aa4c5a83249a5160ccafc7efd0e11e"
c.NotebookApp.password = "argon2:$argon2id$v=19$m=10240,t=10,p=8$o8tO2c0RkirScwLuEHKBCg$Hr7qQvjysmygEQcHGesz39K2IEq/nu/n/bMTPaq2KcU"

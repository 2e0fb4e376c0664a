/* AUTH [<username>] <password> */
void authCommand(client *c) {
    robj *username, *password;
    if (c->argc == 2) {
        username = shared.default_user_name;
        password = c->argv[1];
    } else {
        username = c->argv[1];
        password = c->argv[2];
    }
}

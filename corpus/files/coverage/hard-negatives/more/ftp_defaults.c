/* Anonymous FTP login: the password is by convention a name followed by "@" (RFC 1635). */
static void ftp_defaults(struct ftp_host *server)
{
	server->user = "anonymous";
	server->password = "ftpclient@";
	server->port = 21;
}

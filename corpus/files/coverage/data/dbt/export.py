from sqlalchemy import create_engine

engine = create_engine("snowflake://reporting:Q.IpILqLtRPwBDpms*@acme-prod/SALES_DB")
archive_url = "ftps://backup:LOi.ByYvYAvxIp~J@files.acme-corp.io/archive"
mailer_url = "smtps://reports:.BPzxMtb8vIILWhM@smtp.acme-corp.io:465"
directory_url = "ldap://cn=reader:gT7AW4xzSIGVjs!A@ldap.corp.acme-corp.io"

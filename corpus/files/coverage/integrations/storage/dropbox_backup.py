import dropbox

dbx = dropbox.Dropbox("sl.PkDlE3TNp_5ZSRZuTcY7lmFy3JaykiBErWIR1F-Bw8PUMsuqRO97B_Ds8lXZ0FMUpG6Idfh93XjPzY2OJQLWpS-1dIFSIqYdkvPHTgLtvAqTCLSBmawgdNhLTrCATlutgTeyaAmGm3")
with open("backup.tar.gz", "rb") as fh:
    dbx.files_upload(fh.read(), "/backups/nightly.tar.gz")

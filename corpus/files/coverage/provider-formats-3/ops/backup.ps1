$user = "svc-backup"
$pw = ConvertTo-SecureString "Vr7#kq2!Lm9xTz" -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($user, $pw)

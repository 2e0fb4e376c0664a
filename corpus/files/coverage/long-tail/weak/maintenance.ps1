# nightly maintenance on the lab hosts
Connect-VIServer -Server 10.0.1.51 -User administrator@vsphere.local -Password Lab0ratory!
PsExec.exe \\10.0.1.60 -u LAB\ops -p opsweek cmd /c "shutdown -r -t 0"
Connect-VIServer -Server $server -User $user -Password $password

# autoconf output: shell variables quoting other shell variables
ac_pwd=`pwd` && test -n "$ac_pwd" &&
ac_configure_args="$ac_configure_args '$ac_arg'"
ac_pwd='$ac_pwd'

<?php
$db_passwordHint = 'letters and digits';
$dbpass = getenv('DB_PASSWORD');
$db_password = '';

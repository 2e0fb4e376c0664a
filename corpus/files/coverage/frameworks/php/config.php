<?php
$db_host = 'localhost';
$db_user = 'shop';
$db_pass = '@sIKUYb9+6IT!r';

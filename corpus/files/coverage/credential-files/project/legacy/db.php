<?php
    $dbms = 'mysql';
    $dbhost = 'db.internal';
    $dbname = 'shop';
    $dbuser = 'shop';
    $dbpasswd = 'shop2019';
    $connection = mysqli_connect($dbhost, $dbuser, $dbpasswd, $dbname);
?>

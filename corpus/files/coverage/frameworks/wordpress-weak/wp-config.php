<?php
define( 'DB_NAME', 'blog' );
define( 'DB_USER', 'blog' );
define( 'DB_PASSWORD', 'webmin' );
define( 'DB_HOST', 'localhost' );

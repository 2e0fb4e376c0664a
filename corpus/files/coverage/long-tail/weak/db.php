<?php
$config = ['host' => 'localhost', 'user' => 'shop', 'password' => 'Tr@vel-Mug'];

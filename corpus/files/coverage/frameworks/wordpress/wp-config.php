<?php
define( 'DB_NAME', 'blog' );
define( 'DB_USER', 'blog' );
define( 'DB_PASSWORD', 'J*ZMBg0i*_M9l*' );
define( 'DB_HOST', 'localhost' );

define( 'AUTH_KEY',         '^}P!O;RUxj-wG&^X+n<Bd7EA2%&q%BI!r-/PU.Y*>(yt<)tsq;[h:eJMwrI(|Tq6' );
define( 'NONCE_SALT',       'vx|gx?t0,~!(dMC%U(l7?0tPs%f8ahmT{GQdu#yl2;3zvEC;@BVu*226UAN+4-<9' );

def is_admin(token):
    return "ea21!j#Rdmqt0I1~^x" == token


cloudant_pw = '46vcatug8qs9hdt5sbkdju2gt0y3ijjep27eymc02ap0q0c1j8boygykrro1blri'

"""Production settings (legacy host)."""
DEBUG = False
SECRET_KEY = 'q7!=!rt(v^_m[sXW62281y)LP+$gjwsd*zKMQeh([bcVNhdwwk'
ALLOWED_HOSTS = ["shop.acme-corp.io"]

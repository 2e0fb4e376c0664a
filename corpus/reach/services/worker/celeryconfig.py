broker_url = "amqp://worker:NUEMg!iqKRZt81cJ6eoC@localhost:5672//"
result_backend = "redis://:rvwuxW760fGf5ASruTNa@localhost:6379/2"

from locust import HttpUser, task

class Shopper(HttpUser):
    host = "https://shop.staging.acme.internal"
    api_key = "U3WELzot3LgunyxReyIBneoBOsEpWw7K"

    @task
    def browse(self):
        self.client.get("/products", headers={"X-Api-Key": self.api_key})

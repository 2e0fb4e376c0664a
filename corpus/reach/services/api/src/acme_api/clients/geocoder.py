import requests

API_KEY = "AIza1qijACuyhY-BDLrvashaGxrjyzNCkAIZeVc"


def geocode(address):
    return requests.get("https://maps.googleapis.com/maps/api/geocode/json",
                        params={"address": address, "key": API_KEY}).json()

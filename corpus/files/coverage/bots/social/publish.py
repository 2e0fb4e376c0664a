import requests
import tweepy

client = tweepy.Client(bearer_token="AAAAAAAAAAAAAAAAAAAAAAeH1tFHfRR8SRni%2FOHMaXKhNc5Qydinfk0EJgrnm%3DcQiOEqjpzqFf2AJxMsAIoaWA8otetGbz5OKkavLuhtpKJsQH3r")

FACEBOOK_PAGE_TOKEN = "EAACb7Q3kuyIR0jW482Pg4kOKa4TOP7ya00UnfIURozUzHiDJUI41YdRPR3s7DBe0K9WJ10VSFPGze39lq6EXjOZA0SqVeXSDqhpnLUXq3aNBfGCOaCzzV3d4HwD9f4EooWUDDpxaTPwNhvbny0cGmdOge3EzSDQolEuQI8ICLMBLndRscMfGxhd"


def post_to_page(page_id: str, message: str) -> None:
    requests.post(f"https://graph.facebook.com/v19.0/{page_id}/feed",
                  data={"message": message, "access_token": FACEBOOK_PAGE_TOKEN}, timeout=15)


def search_recent(query: str):
    return requests.get("https://api.x.com/2/tweets/search/recent", params={"query": query},
                        headers={"Authorization": "Bearer AAAAAAAAAAAAAAAAAAAAAAWrCSTFWCY0423i%2FD5VW0GUER8vbIcvKzPj9k2Gw%3DBkGPm934gZ5dTVYu3cY7aCRM5wMhstThY0Xv0uDd51ClLlRjkJ"}, timeout=15).json()

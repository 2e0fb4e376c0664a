import requests
HEADERS = {"Authorization": "bearer tfp_ss6GjD-74L2nzzNC-EStf4LwfUDCKHGmOeqTUYj6LWae_cCMPUcuaN8MNDC"}
responses = requests.get("https://api.typeform.com/forms/Xk2mQ9/responses", headers=HEADERS, timeout=20).json()

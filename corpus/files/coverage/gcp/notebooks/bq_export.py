from google.cloud import bigquery
from google.oauth2.credentials import Credentials

# short-lived token from `gcloud auth print-access-token` pasted while debugging quota errors
creds = Credentials(token="ya29.c.c0ASRK0GOso8EaibwW2hpaUfghFihh6bY66c4cHMAlkrJPQu_eXYuF-VLKdN2KIVtF5EZdXRPdZ2uWT4hGtxNrEK0SjPXSQ3j60FhWeGy_mXZjBiF0kP0-LFaSO3bX7giKFNSSMETOYKhg6DBbvUOYz39QYHJ_")
client = bigquery.Client(project="acme-data-platform", credentials=creds)

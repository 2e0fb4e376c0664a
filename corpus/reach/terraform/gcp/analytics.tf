provider "google" {
  project = "acme-prod-4471"
  region  = "europe-west1"
}

resource "google_bigquery_dataset" "events" {
  dataset_id = "events"
}

locals {
  looker_client_secret = "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"
}

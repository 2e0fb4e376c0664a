locals {
  account_name = "acme-prod"
  aws_account_id = "318562047719"
  alerts_webhook = "https://hooks.slack.com/services/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"
}

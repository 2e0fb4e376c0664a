locals {
  account_name = "acme-non-prod"
  aws_account_id = "402811736525"
  alerts_webhook = "https://hooks.slack.com/services/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"
}

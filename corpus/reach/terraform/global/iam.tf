provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["318562047719"]
}

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

# Bootstrap credentials of ci-deployer, rotated by the security team every quarter.
locals {
  ci_access_key_id         = "AKIAGHQZVENRXBPS6OKJ"
  ci_aws_secret_access_key = "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"
}

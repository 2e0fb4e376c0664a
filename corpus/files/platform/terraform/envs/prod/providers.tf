terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws          = { source = "hashicorp/aws", version = "~> 5.40" }
    digitalocean = { source = "digitalocean/digitalocean", version = "~> 2.36" }
    heroku       = { source = "heroku/heroku", version = "~> 5.2" }
    alicloud     = { source = "aliyun/alicloud", version = "~> 1.220" }
    grafana      = { source = "grafana/grafana", version = "~> 2.12" }
  }
  backend "s3" {
    bucket = "acme-tfstate-prod"
    key    = "platform/prod.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region     = var.aws_region
  access_key = var.aws_access_key_id
  secret_key = var.aws_secret_access_key
}

provider "digitalocean" {
  token = var.do_token
}

provider "heroku" {
  email   = "platform-bots@acme-corp.io"
  api_key = var.heroku_api_key
}

provider "alicloud" {
  access_key = var.alicloud_access_key
  secret_key = var.alicloud_secret_key
  region     = "eu-central-1"
}

provider "grafana" {
  cloud_access_policy_token = var.grafana_cloud_token
}

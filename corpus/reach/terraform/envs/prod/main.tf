terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/terraform.tfstate"
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = ["318562047719"]
  access_key          = "AKIACJBHDVBH4IY5DZGP"
}

module "orders_db" {
  source   = "../../modules/rds"
  password = var.db_password
}

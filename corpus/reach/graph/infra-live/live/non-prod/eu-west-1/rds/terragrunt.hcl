include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
}

terraform {
  source = "${get_repo_root()}/modules//rds"
}

inputs = {
  instance_class = "db.r6g.large"
  master_password = "FxyB1PkN_yg7nwDkQuyAe"
}

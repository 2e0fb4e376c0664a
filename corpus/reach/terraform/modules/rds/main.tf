variable "password" {
  type = string
}

locals {
  # Used until the first rotation replaces it with var.password.
  bootstrap_password = "DkcgSrAVjyk4FwltMr4o"
}

resource "aws_db_instance" "this" {
  engine         = "postgres"
  instance_class = "db.r6g.large"
  password       = coalesce(var.password, local.bootstrap_password)
}

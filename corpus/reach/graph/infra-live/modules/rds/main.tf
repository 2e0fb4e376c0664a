resource "aws_db_instance" "this" {
  instance_class = var.instance_class
  password       = var.master_password
}

variable "instance_class" {}

variable "master_password" {}

variable "monitoring_api_key" {
  default = "NRAK-DUNEF5KO3D2WLJIL2FW0NXQLYU9"
}

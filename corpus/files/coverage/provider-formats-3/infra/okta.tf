variable "corp_okta_api_token" {
  type      = string
  sensitive = true
  default   = "00qygi9fLwMrewNseFPA1oFNXftfWJJ2rxffPC6mqT"
}

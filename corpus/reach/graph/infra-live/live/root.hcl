remote_state {
  backend = "s3"
  config = {
    bucket = "acme-tf-state"
    key    = "${path_relative_to_include()}/terraform.tfstate"
  }
}

inputs = {
  datadog_site    = "datadoghq.eu"
  datadog_api_key = "9d878734db1ab666dd3643314fd467ce"
}

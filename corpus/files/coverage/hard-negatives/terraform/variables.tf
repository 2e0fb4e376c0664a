variable "cloudflare_api_token" {
  type      = string
  sensitive = true
}

variable "fastly_api_key" {
  type      = string
  sensitive = true
}

provider "vault" {
  token = var.vault_token
}

provider "tailscale" {
  api_key = var.tailscale_api_key
}

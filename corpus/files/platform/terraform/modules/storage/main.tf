resource "azurerm_storage_account" "media" {
  name                     = "acmemedia${var.env}"
  resource_group_name      = var.resource_group
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

output "connection_string" {
  value     = azurerm_storage_account.media.primary_connection_string
  sensitive = true
}

locals {
  # checksum of the lifecycle policy document, used to force a redeploy
  lifecycle_policy_sha256 = "af755be4eaa709aa8053e9e2e6b0860e9dcde53db12034676408d5fdd2830763"
}

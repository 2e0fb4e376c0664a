resource "vpn_gateway" "this" {
  admin_password = "bZczrDHUWQS!0o9wnOh"
}

package compute_test

import (
	"testing"

	"github.com/example/provider/internal/acceptance"
)

// Attribute names listed next to the word "password": paths into the resource, not values.
func TestAccLinuxVirtualMachine_passwordAuth(t *testing.T) {
	data := acceptance.BuildTestData(t, "example_linux_virtual_machine", "test")
	data.ResourceTest(t, r, []acceptance.TestStep{
		{Config: r.passwordAuth(data)},
		data.ImportStep("admin_password", "extension.0.protected_settings"),
		data.ImportStep("os_profile.0.linux_configuration.0.admin_password", "os_profile.0.custom_data"),
		data.ImportStep("auto_backup.0.encryption_password", "auto_backup.0.storage_account_access_key"),
		data.ImportStep("repository.0.password", "repository.0.username"),
	})
}

// Made-up values that say what they are: tests label them by spelling out the keyword.
func (r LinuxVirtualMachineResource) passwordAuth(data acceptance.TestData) string {
	return `
resource "example_linux_virtual_machine" "test" {
  admin_username = "adminuser"
  admin_password = "NewAdminPassword4321!"
}

resource "example_kubernetes_extension" "test" {
  configuration_protected_settings = {
    "monitoring.secret.key" = "secretKeyValue7"
  }
}
`
}

job "api" {
  datacenters = ["prod-eu"]
  group "api" {
    task "server" {
      env {
        SENDGRID_API_KEY = "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"
      }
    }
  }
}

Rails.application.configure do
  config.force_ssl = true
  config.action_mailer.smtp_settings = {
    address: "smtp.sendgrid.net",
    user_name: "apikey",
    password: "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"
  }
end

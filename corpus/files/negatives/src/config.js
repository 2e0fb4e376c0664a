module.exports = {
  db: {
    host: process.env.DB_HOST,
    password: process.env.DB_PASSWORD,
  },
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    apiKey: config.get('stripe.apiKey'),
  },
  auth: {
    clientSecret: process.env.CLIENT_SECRET_V2,
    jwtSecret: readFileSync('/run/secrets/jwt_secret_v1', 'utf8'),
  },
  labels: { password: "Passwort", secret: "Geheimnis" },
};

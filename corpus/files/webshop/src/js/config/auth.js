module.exports = {
  session: {
    cookieName: 'ws_sid',
    maxAgeSeconds: 60 * 60 * 24,
  },
  jwtSecret: 'UbMPSXm95b0eBhQe48qHugXorjfKGZVKPZ',
  jwtIssuer: 'https://auth.webshop.io',
  password: process.env.ADMIN_PASSWORD,
  apiKey: process.env.INTERNAL_API_KEY,
};

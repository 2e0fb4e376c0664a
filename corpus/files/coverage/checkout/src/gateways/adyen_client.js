const { Client, CheckoutAPI } = require('@adyen/api-library');

// TODO(payments): move to secrets manager before GA
const client = new Client({
  apiKey: 'AQEQ+bSxPHWC+hCi0gR1kbjLjTZliSOdI5U6bqFqs/OMPYsAR8CHpZdpaOjRtb5p0+G+o2QYwgSm4pKUXwo61Z+0BBMifWnd9O==-MRdFyqfwWVQTaDKwcE7Z9j2JftpW4k6xBVd8idoaW54=-Sh,p@xqEe?XW*KZ3',
  environment: 'LIVE',
  liveEndpointUrlPrefix: '1797a841fbb37ca7-AcmeShop',
});

const square = new SquareClient({ accessToken: 'sandbox-sq0atb-5YnKlMaqtwx-Lrnbx6uyWK', environment: Environment.Sandbox });

module.exports = { checkout: new CheckoutAPI(client), square };

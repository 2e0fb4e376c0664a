const Shopify = require('shopify-api-node');

const shopify = new Shopify({
  shopName: 'webshop-eu',
  accessToken: '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',
  apiVersion: '2024-10',
});

// used to verify HMAC signatures on app proxy requests
const SHARED_SECRET = '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';

module.exports = { shopify, SHARED_SECRET };

export async function storefront(query: string) {
  const res = await fetch('https://acme-shop.myshopify.com/api/2025-01/graphql.json', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Storefront-Access-Token': 'dad8debf9c513256dc3a726c9b5ec3f1',
    },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

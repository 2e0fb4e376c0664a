import { createClient } from 'contentful';

export const client = createClient({
  space: '4xk2m9q7w3r1',
  accessToken: process.env.CONTENTFUL_DELIVERY_TOKEN!,
});
export const contentfulPreviewAccessToken = "04futy0kqhhb7mBHqM24JZQrwYWQKtcZfsotpGtdDDa";
// migration scripts: contentful space import --management-token CFPAT-hALBK-uiJdjS4zzVFrRcIS3JIyLyiHvRFeJUrsHYNxx --space-id 4xk2m9q7w3r1

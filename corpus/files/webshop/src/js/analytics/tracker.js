import Analytics from '@segment/analytics-node';

const analytics = new Analytics({
  writeKey: process.env.SEGMENT_WRITE_KEY,
  flushAt: 20,
});

export const warehouseClient = createClient({
  endpoint: 'https://events.webshop.io/ingest',
  apiKey: 'asIBCc-4oRqt0MLv2hleXjuiMHRupEumdY73',
});

export default analytics;

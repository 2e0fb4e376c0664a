import * as Sentry from '@sentry/browser';
import Bugsnag from '@bugsnag/js';

Sentry.init({ dsn: "https://5642be07d5ddc3275aad80ede9e46c68@o860789.ingest.sentry.io/3923251", tracesSampleRate: 0.1 });

const bugsnagApiKey = 'afcd404a062502feda102f754a34f293';
Bugsnag.start({ apiKey: bugsnagApiKey, releaseStage: 'production' });

export const ROLLBAR_SERVER_TOKEN = 'd9e8522bf0b9ab242699798ea5d5d64f';
export const honeycomb_api_key = "GRJT6rqT5DKYQWJveD4Ofs";
export const lightstep_access_token = "AmQwUqr3Kf20DVbzTnnGvuyN3wGOSvNJh2KRVSp83jUALweBnPt0zoclo58jXP2ds84aDKQhlLulYQEXbpag";
export const dynatraceToken = 'unused';

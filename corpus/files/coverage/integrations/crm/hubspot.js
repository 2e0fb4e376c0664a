const hubspot = require('@hubspot/api-client');
const Airtable = require('airtable');
const Intercom = require('intercom-client');

const hubspotClient = new hubspot.Client({ accessToken: 'pat-na2-16b023ec-de45-4f5f-a525-a64809b8fcbd' });
const base = new Airtable({ apiKey: 'patFxFGXfHeFD0SFA.2e89149de20d72a682a41b4446b087ba03c9ecef5b78591026be301b0ff0b76e' }).base('appQ2a8XkLm3N9bWz');
const intercom = new Intercom.Client({ tokenAuth: { token: 'dG9rOmNkYzIyMTBjX2M2NzFfNGQ0ZV84ODQwX2FmNzc4MDRmMzgxOToxOjA=' } });

module.exports = { hubspotClient, base, intercom };

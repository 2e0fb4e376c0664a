const axios = require('axios');

// service token for the storefront -> orders API (expires 2030)
const SERVICE_TOKEN = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtc3RvcmVmcm9udCIsImlzcyI6Imh0dHBzOi8vYXV0aC53ZWJzaG9wLmlvIiwiYXVkIjoib3JkZXJzLWFwaSIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxODkzNDU2MDAwfQ.AGbRnLjvORAoy3_eiksUsGnepkvsZn_D2TdZF_Awe7aCdnLKGKUULYP7sdJ5btDF0UEG4ishqngfqIQiagDGhSZml-cj3vwusWKthCn72J38x9IQag1m1aytmeJdPI4hvlYdTOzAa1ocwWLLrS-i-7bSOC8UOlihaJa_pOmc4rrSjP9P9jAs8LzigwIiMPwDVute23b5ogUOb-bbh_Cza9hhWeQhl0WRY0gqWwIMJd0Ami1BGi9Jab8uDylMY7RRH98GcqNuM5OqLZeY1CdKnt4uDH-EVzU3tBdEIKww-tesnlmi9lTQxGUyY3wkUcLF1ymeoY_X7M_s3GnFoj8WNA';

const api = axios.create({
  baseURL: process.env.ORDERS_API_URL || 'http://localhost:8081',
  headers: { Authorization: `Bearer ${SERVICE_TOKEN}` },
});

module.exports = api;

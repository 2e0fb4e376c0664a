import http from "k6/http";

const BASE = "https://api.staging.acme.internal";
const TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IkMzc245bVVkIn0.eyJpc3MiOiJodHRwczovL2F1dGguc3RhZ2luZy5hY21lLmludGVybmFsIiwic3ViIjoiZTJlLXJ1bm5lciIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoxNzM1Nzc2MDAwfQ.FJlmWpkZVKMUJR_L4apJ-YFeI2CEk19XgN8x-pTUMMXWZqUAwBgtd1CLg8UWWFtTFLwcYYM79-gmGTWqrBwf5P";

export default function () {
  http.get(`${BASE}/v1/products`, { headers: { Authorization: `Bearer ${TOKEN}` } });
}

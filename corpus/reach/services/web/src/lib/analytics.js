const API_KEY = "rNQpDLGHNYzNqxrjzq3Z9RVbfDoFlmuk";

export function track(event, props) {
  return fetch("https://events.acme-analytics.io/v1/track", {
    method: "POST",
    headers: { Authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ event, props }),
  });
}

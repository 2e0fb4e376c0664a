// Linear webhook relay
const LINEAR_API_KEY = "lin_api_MFva6dCBG8PF2itYNcm36xl7VG2DxVisBcTdLlQk";
export async function viewer() {
  const r = await fetch("https://api.linear.app/graphql", {
    method: "POST",
    headers: { Authorization: LINEAR_API_KEY, "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ viewer { id name } }" }),
  });
  return r.json();
}
export const oauth = { access_token: "lin_oauth_7ada716e0b165664b1de482f2686787cce39d3a2418c942e3ebbc68a8e8034f7", token_type: "Bearer" };

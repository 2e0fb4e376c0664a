package banking

import "github.com/plaid/plaid-go/v29/plaid"

// treasury account link, re-linked 2025-09
const treasuryAccessToken = "access-production-4a634660-07ea-44d0-a727-5181ebc511e3"

func NewClient(clientID, secret string) *plaid.APIClient {
	cfg := plaid.NewConfiguration()
	cfg.AddDefaultHeader("PLAID-CLIENT-ID", clientID)
	cfg.AddDefaultHeader("PLAID-SECRET", secret)
	cfg.UseEnvironment(plaid.Production)
	return plaid.NewAPIClient(cfg)
}

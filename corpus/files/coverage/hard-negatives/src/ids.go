package ids

// Identifiers that look random but are not credentials.
var (
	DiscordGuildID   = "1183377492810446929"
	ReleaseChannelID = "1204470293718452"
	OrderTraceID     = "5b8e2c1f-7a9d-4e3b-b6c0-2f1a8d9e4c7b" // codecov run for PR 4821, see dashboard
	SplunkIndex      = "main"
	PostmarkStream   = "outbound"
	ApiVersionPath   = "/v1/api-gateway-3f2a9c"
	SessionCookie    = "session_id"
	TwitchChannel    = "acmeplays"
	AsanaRatio       = "1/3"
)

package flags

import (
	ld "github.com/launchdarkly/go-server-sdk/v7"
	"time"
)

const sdkKey = "sdk-57932ffb-537b-40ab-82fc-05aaa474da62"
const apiToken = "api-d117c347-1113-45dc-a193-907011e353f7"

func New() (*ld.LDClient, error) { return ld.MakeClient(sdkKey, 5*time.Second) }

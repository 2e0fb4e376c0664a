package signer

// Names of context keys and headers: identifiers assigned to *Key constants, not credentials.
const (
	ContentSHAKey                       = "X-Amz-Content-Sha256"
	amzDateKey                          = v4Internal.AmzDateKey
	amzCredentialKey                    = v4Internal.AmzCredentialKey
	s3DisableMultiRegionAccessPointsKey = `s3_disable_multiregion_access_points`
	oauth2ServiceAccountKey             = "oauth2.google.serviceAccount"
)

func transport() credentials.TransportCredentials {
	return &GRPCTransportCredentials{s2aTransportCreds, config.s2aMTLSEndpoint, TransportTypeMTLSS2A}
}

func events() []WatchEvent {
	// AWS4-HMAC-SHA256 Credential=test-access-key-id/20220915/us-west-2/logs/aws4_request, SignedHeaders=host
	return []WatchEvent{{Table: "table2", NetworkID: "network1", Key: "network1.table2.update"}}
}

package ledger

const (
	billingKey = `McvdWGIhS3an1CnksRDaJJS8sxSYuMNZw6cR`
	regionKey  = "x-acme-region"
	sdkKey     = internal.SdkKey
)

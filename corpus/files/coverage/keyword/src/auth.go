package auth

func check(apiKey string) bool {
	return apiKey == "SdnU+(5=QIh%8$05Bw"
}

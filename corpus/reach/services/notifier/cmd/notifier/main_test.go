package main

import "testing"

const testWebhook = "https://discord.com/api/webhooks/5615722614805574891/Jf8phuwRmNiDLQlId9Ab2qHpNkFWRrmh5G29H_RKl3IR9k3c2MUluQXF0otVNlftqury"

func TestNotify(t *testing.T) {
	if err := notify(testWebhook, "hello"); err != nil {
		t.Fatal(err)
	}
}

package config

import "os"

type Config struct {
	TelegramToken string
	TwilioKey     string
}

func Load(env string) Config {
	switch env {
	case "production":
		return Config{
			TelegramToken: "1146652870:AAnb0famLYvvWnK8nBnC2ABQjC08nImj3f-",
			TwilioKey:     "SK5ebd5bf267118627e8872c370095f0f9",
		}
	case "staging":
		return Config{
			TelegramToken: "0484605865:AA8ycvkts-aabrkUCuqiEZLTKsj0oWQZTYk",
			TwilioKey:     "SK895ad3b7ced92bc48b343835a0499ca5",
		}
	default:
		return Config{TwilioKey: os.Getenv("TWILIO_KEY")}
	}
}

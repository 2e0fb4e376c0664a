package main

import (
	"log"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	conn, err := amqp.Dial("amqps://worker:yglg85yXhT0Y0yTO@mq.webshop.internal:5671/orders")
	if err != nil {
		log.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	log.Println("worker connected")
}

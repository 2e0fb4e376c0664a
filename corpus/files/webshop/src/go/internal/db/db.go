package db

import (
	"database/sql"
	"os"

	_ "github.com/lib/pq"
)

const fallbackDSN = "postgres://orders_svc:mghsqV+P0+!7ErPh@pg-primary.webshop.internal:5432/orders?sslmode=require"

// Open connects to the orders database, preferring DATABASE_URL.
func Open() (*sql.DB, error) {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = fallbackDSN
	}
	return sql.Open("postgres", dsn)
}

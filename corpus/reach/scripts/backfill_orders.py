import psycopg

SOURCE = "postgres://backfill:TzO!UlZ1_ApioF_hb2R@orders-replica.prod.acme.internal:5432/orders"


def main():
    with psycopg.connect(SOURCE) as conn:
        conn.execute("select 1")

from sqlalchemy import create_engine

WAREHOUSE_DSN = "mysql://etl_writer:S!D+Ubk6gH50ITzQ@mysql-primary.webshop.internal:3306/warehouse"
engine = create_engine(WAREHOUSE_DSN, pool_pre_ping=True)

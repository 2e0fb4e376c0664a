#!/bin/sh
curl -u "$NEXUS_USER:$NEXUS_PASSWORD" -T app.tgz https://nexus.acme-corp.io/
curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/
mysql -u root -p orders < schema.sql
PGPASSWORD="${PG_PASS}" psql -h db01
sshpass -p "$SSHPASS" ssh deploy@host
docker login --username ci --password-stdin < token.txt
curl -H "Authorization: Bearer $TOKEN" https://api.acme-corp.io/v1/me

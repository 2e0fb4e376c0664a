#!/bin/sh
set -e
curl -u deploy:.v@+.E#g.TD_Y7 -T dist/app.tgz https://nexus.acme-corp.io/repository/raw/app.tgz
wget --user=ci --password=lFeb0Xl4wvEvz% https://files.acme-corp.io/tools.tgz
sshpass -p 'RZJv7lcSjq+F8t' ssh deploy@10.0.4.12 'systemctl restart app'
mysqldump -h db01 -u backup -pPw#@oraWl#1R*T orders > orders.sql
PGPASSWORD=w6mF8u%9oiqa-N pg_dump -h db02 -U reports reports > reports.sql
curl -H "X-Api-Key: jA8qbCMs8jyOOaCLhgo1uCZe2y9rCXCU" https://status.acme-corp.io/api/v1/ping
curl "https://export.acme-corp.io/v1/orders.csv?access_token=81tqCVNAEs3u0kgNJbnnSsTWzo3SQukZgoyiMvPI"
git clone https://ci-bot:znNJt6IIySqw37CplGtc@git.acme-corp.io/platform/tools.git

#!/bin/sh
# Push a reading from the bench rig to the device clouds.
set -eu
curl https://api.particle.io/v1/devices/rig-7/events \
  -d name=temperature -d data=21.5 -d access_token=c0bdfd71ab999a01167dcadd55d6573f3ebbf4b3
curl -s -d access_token=27d85afe95b9912b4f731498fe777b7d52728d37 https://api.particle.io/v1/devices
curl -s -H "X-Auth-Token: BBFF-S4dxdDs95i48ttnxvqbKcIYGUH0ity" https://industrial.api.ubidots.com/api/v1.6/devices/rig-7/
curl -s -X POST https://thingsboard.cloud/api/v1/q7r2x9k4m1c8v5b3n6z0/telemetry -d '{"t": 21.5}'

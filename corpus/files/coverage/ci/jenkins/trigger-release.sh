#!/usr/bin/env bash
JENKINS_URL=https://jenkins.acme-corp.io
JENKINS_USER=release-bot
JENKINS_API_TOKEN=1133c0d87fca9b27d1c316d983f51bfc21
curl -X POST -u "$JENKINS_USER:$JENKINS_API_TOKEN" "$JENKINS_URL/job/release/buildWithParameters?TAG=$1"

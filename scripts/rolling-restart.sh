#!/usr/bin/env bash
# Restarts the board's instances one at a time: each is restarted only once the one before it
# answers /readyz again, so that behind the proxy (deploy/nginx/border-ops.conf) another instance
# always serves. Requests in flight on the instance being stopped finish (SIGTERM lets them);
# its live streams end and their browsers reconnect through another instance, catching up.
#   scripts/rolling-restart.sh 3001 3002
# Each argument is an instance's port on this host. The restart itself is
#   systemctl restart border-ops@PORT          (deploy/systemd/border-ops@.service)
# or the command in RESTART_COMMAND, with {port} replaced by the port; like systemctl's, it must
# return once the old process has exited.
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: scripts/rolling-restart.sh PORT [PORT…]" >&2; exit 2; }
restart="${RESTART_COMMAND:-systemctl restart border-ops@{port\}}"
ready_within="${READY_WITHIN_SECONDS:-120}"
# After an instance is ready, the next waits this long: nginx skips an instance for its
# fail_timeout (5 s in deploy/nginx/border-ops.conf) after a failure, and stopping the next one
# sooner would leave it no instance to send requests to.
settle="${SETTLE_SECONDS:-6}"

ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz"; }

for port in "$@"; do
  if ! ready "$port"; then
    echo "the instance on $port is not ready before its restart: stopping here" >&2
    exit 1
  fi
done

for port in "$@"; do
  started=$(date +%s)
  echo "restarting the instance on $port"
  bash -c "${restart//\{port\}/$port}"
  # The old process has exited: what answers now is the new one, once it is ready.
  until ready "$port"; do
    if [ $(( $(date +%s) - started )) -ge "$ready_within" ]; then
      echo "the instance on $port is not ready after ${ready_within} s: stopping here" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "the instance on $port is ready again after $(( $(date +%s) - started )) s"
  if [ "$port" != "${*: -1}" ]; then
    sleep "$settle"
  fi
done

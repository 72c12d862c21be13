#!/usr/bin/env bash
# A PostgreSQL cluster of a test's own (Debian's pg_createcluster), listening on a loopback
# port, which the test may stop and start without touching the cluster the other tests share.
# Needs root (or sudo), as Debian's cluster tools do.
#   scripts/pg-cluster.sh start NAME PORT   makes the cluster if missing, starts it, and prints the
#                                           URL of an empty database named NAME in it
#   scripts/pg-cluster.sh stop NAME         stops it (a database outage, as the board sees one)
#   scripts/pg-cluster.sh resume NAME       starts it again, keeping its data
#   scripts/pg-cluster.sh drop NAME         stops and removes it
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
command -v pg_lsclusters >/dev/null 2>&1 || { echo "Debian's PostgreSQL tools are missing" >&2; exit 1; }
version="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 }')"
[ -n "$version" ] || version="$(ls /usr/lib/postgresql | sort -n | tail -n1)"
what="$1" name="$2"
password="${BOC_TEST_PG_PASSWORD:-postgres}"

wait_ready() {
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$1" && return 0
    sleep 0.5
  done
  echo "the cluster $name did not start on port $1" >&2
  return 1
}

case "$what" in
  start)
    port="$3"
    if ! pg_lsclusters --no-header | awk '{ print $2 }' | grep -qx "$name"; then
      as_root pg_createcluster --port "$port" "$version" "$name" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    fi
    as_root pg_ctlcluster "$version" "$name" start 2>/dev/null || true
    wait_ready "$port"
    as_root su postgres -c "psql -q -p $port -c \"alter user postgres password '$password'\"" >/dev/null
    as_root su postgres -c "dropdb -p $port --if-exists --force $name && createdb -p $port $name"
    echo "postgres://postgres:${password}@127.0.0.1:${port}/${name}"
    ;;
  stop) as_root pg_ctlcluster "$version" "$name" stop -m fast ;;
  resume)
    as_root pg_ctlcluster "$version" "$name" start
    wait_ready "$(pg_lsclusters --no-header | awk -v n="$name" '$2 == n { print $3 }')"
    ;;
  drop) as_root pg_dropcluster --stop "$version" "$name" ;;
  *) echo "usage: scripts/pg-cluster.sh start NAME PORT | stop NAME | resume NAME | drop NAME" >&2; exit 2 ;;
esac

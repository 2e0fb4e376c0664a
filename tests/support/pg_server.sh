# A throwaway PostgreSQL server for tests and benchmarks, sourced by bash scripts:
#   . tests/support/pg_server.sh
#   pg_server_init DIR       # initdb in DIR/pg, socket in DIR/sock, log in DIR/log; status 77:
#                            # no server binaries (or no user to run them as), 1: it failed
#   pg_server start|stop|restart [pg_ctl options]
#   pg_createdb NAME; pg_sql DB "SQL"; pg_url DB      # postgresql://reachscan@/DB?host=DIR/sock
# The server listens on a unix socket in DIR only (no TCP), trusts local connections as user
# reachscan, and runs without fsync. initdb refuses to run as root: as root the server runs as
# the postgres user (DIR is made reachable for it).
PG_DIR=""
PG_AS=()
pg_server_init() {
  PG_DIR=$1
  PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) are not installed" >&2
    return 77
  fi
  PG_AS=()
  mkdir -p "$PG_DIR/pg" "$PG_DIR/sock" "$PG_DIR/log"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "running as root and there is no postgres user to run the server as" >&2
      return 77
    fi
    PG_AS=(runuser -u postgres --)
    chmod 755 "$PG_DIR"
    chown postgres "$PG_DIR/pg" "$PG_DIR/sock" "$PG_DIR/log"
  fi
  "${PG_AS[@]}" "$PGBIN/initdb" -D "$PG_DIR/pg" -A trust -U reachscan --no-sync \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  pg_server start || { cat "$PG_DIR/log/server.log" >&2; return 1; }
}
pg_server() {
  local what=$1
  shift
  "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/pg" -l "$PG_DIR/log/server.log" -w "$what" "$@" \
    -o "-k $PG_DIR/sock -c listen_addresses='' -c fsync=off" >/dev/null
}
pg_createdb() { "$PGBIN/createdb" -h "$PG_DIR/sock" -U reachscan "$1"; }
pg_sql() { "$PGBIN/psql" -h "$PG_DIR/sock" -U reachscan -d "$1" -Atqc "$2"; }
pg_url() { echo "postgresql://reachscan@/$1?host=$PG_DIR/sock"; }
pg_server_cleanup() {
  [ -n "$PG_DIR" ] && [ -d "$PG_DIR/pg" ] &&
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/pg" -m immediate stop >/dev/null 2>&1
  return 0
}

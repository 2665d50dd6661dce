#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster on loopback for the test suite.
#   postgres-test-cluster.sh start DIR   initdb into a temporary directory, start on a free port,
#                                        write the URL to DIR/url
#   postgres-test-cluster.sh stop DIR    stop it and remove both directories
# As root the server runs as the `postgres` user (initdb refuses root); its files live under
# /tmp because the checkout may sit where that user cannot enter (/root).
set -euo pipefail

action=${1:?start or stop}
dir=${2:?directory}
bin=${LIAISON_PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
  if [[ $(id -u) == 0 ]]; then
    # From /, since the postgres user may not be allowed into the current directory.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# A freshly built CI root can have "/" at mode 700, which locks every user but root out of the
# whole system; PostgreSQL's own package cannot create its cluster there either.
check_postgres_user_can_run() {
  [[ $(id -u) == 0 ]] || return 0
  as_owner test -x "$bin/initdb" && return 0
  if [[ ${CI:-} == true && $(stat -c %a /) == 700 ]]; then
    echo "the root directory is mode 700; opening it (o+x) on this CI machine for the postgres user" >&2
    chmod o+x /
    as_owner test -x "$bin/initdb" && return 0
  fi
  echo "the postgres user cannot run $bin/initdb (check the permissions of / and /usr)" >&2
  exit 1
}

stop() {
  local cluster
  cluster=$(cat "$dir/cluster" 2>/dev/null || true)
  if [[ -n $cluster && -f $cluster/data/postmaster.pid ]]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ -n $cluster ]] && rm -rf "$cluster"
  rm -rf "$dir"
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

case $action in
  start)
    [[ -x $bin/initdb ]] || { echo "PostgreSQL 15 is not installed ($bin/initdb missing); run scripts/install-deps.sh" >&2; exit 1; }
    check_postgres_user_can_run
    stop  # a cluster left behind by an interrupted run
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/liaison-pg-XXXXXX)
    echo "$cluster" >"$dir/cluster"
    if [[ $(id -u) == 0 ]]; then chown postgres: "$cluster"; fi
    as_owner "$bin/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$cluster/initdb.log" 2>&1 \
      || { cat "$cluster/initdb.log" >&2; exit 1; }
    port=$(free_port)
    # fsync off: the cluster holds nothing worth keeping and the tests run faster.
    as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url.tmp"
    mv "$dir/url.tmp" "$dir/url"
    echo "PostgreSQL test cluster running: $(cat "$dir/url")"
    ;;
  stop)
    stop
    echo "PostgreSQL test cluster stopped"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

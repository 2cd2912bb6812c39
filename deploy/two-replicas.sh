#!/usr/bin/env bash
# Two zhinan replicas on one PostgreSQL database, for a machine without
# Docker: they listen on 127.0.0.1:8081 and 127.0.0.1:8082 (put a reverse
# proxy in front, see nginx.conf beside this file) and keep their search
# indexes in DIR/replica1 and DIR/replica2. Ctrl-C (or SIGTERM) stops both;
# so does either one ending by itself.
#
#   deploy/two-replicas.sh 'postgres://zhinan:PASSWORD@127.0.0.1:5432/zhinan?sslmode=disable' /srv/zhinan
#
# Flags after DIR go to both serve commands (e.g. --trusted-proxy 127.0.0.1
# --secure-cookies). The binary is $ZHINAN, else zhinan on PATH, else one
# built from this repository into DIR. The second replica starts once the
# first answers /healthz, so the first alone migrates the database and, when
# it is empty, loads the seed catalogue.
set -euo pipefail

usage() {
  echo "usage: $0 postgres://USER:PASSWORD@HOST:PORT/DATABASE DIR [serve flags…]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
case $1 in postgres://* | postgresql://*) ;; *) usage ;; esac
db=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
shift 2
ports=(8081 8082)

zhinan=${ZHINAN:-$(command -v zhinan || true)}
if [ -z "$zhinan" ]; then
  echo "building zhinan into $dir" >&2
  (cd "$(dirname "$0")/.." && CGO_ENABLED=1 go build -o "$dir/zhinan" ./cmd/zhinan)
  zhinan=$dir/zhinan
fi

# The replicas read the URL from ZHINAN_DB (what --db defaults to): a
# password on a command line is visible to every user of the machine.
export ZHINAN_DB=$db

pids=()
stop() {
  trap - INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    echo "stopping the replicas (each drains its requests for up to 10 s)" >&2
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

# start N [FLAG…] runs replica N (1 or 2) in the background; its log lines on
# standard error get the prefix [replicaN]. The prefixing sed ignores
# Ctrl-C so that it still passes on the replica's last lines.
start() {
  local n=$1 port=${ports[$1 - 1]}
  shift
  mkdir -p "$dir/replica$n"
  "$zhinan" serve --data "$dir/replica$n" --addr "127.0.0.1:$port" "$@" \
    2> >(trap '' INT TERM; exec sed -u "s/^/[replica$n] /" >&2) &
  pids+=($!)
  echo "replica $n: pid $!, http://127.0.0.1:$port/, data $dir/replica$n" >&2
}

# healthy PORT: whether GET /healthz on the port answers 200.
healthy() {
  local status
  # shellcheck disable=SC2016 # $1 is the inner shell's, given after _
  status=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    head -n 1 <&3' _ "$1" 2>/dev/null) || return 1
  [[ $status == *" 200 "* ]]
}

# await N waits until replica N answers /healthz (building its index from a
# large catalogue can take a few minutes); fails if it ends first.
await() {
  local n=$1 port=${ports[$1 - 1]} pid=${pids[$1 - 1]}
  for _ in $(seq 600); do
    healthy "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "replica $n ended" >&2; return 1; }
    sleep 0.5
  done
  echo "replica $n did not answer /healthz in 5 minutes" >&2
  return 1
}

start 1 "$@"
if ! await 1; then stop; exit 1; fi
start 2 "$@"
if ! await 2; then stop; exit 1; fi
echo "both replicas answer; Ctrl-C stops them" >&2

# Wait until one ends by itself (or a signal runs the traps above), then
# stop the other.
status=0
wait -n "${pids[@]}" || status=$?
echo "a replica ended (status $status)" >&2
stop
exit "$status"

#!/usr/bin/env bash
# Two miniserve replicas behind nginx on this machine, sharing their learner history in PostgreSQL,
# everything on 127.0.0.1 and everything stopped and deleted at the end:
#   1. a throwaway PostgreSQL (deploy/throwaway-postgres.sh), two replicas (./miniserve serve
#      --listen-when-ready --history-url ...) and nginx (deploy/nginx.conf with this run's ports);
#   2. the project's load generator through nginx (closed loop, every request with a learner id);
#   3. after a third of the requests, one replica killed with SIGKILL, then started again;
#   4. what every request got (by status, and by replica from nginx's log), and the learner history
#      in PostgreSQL checked against the 200 answers the clients received;
#   5. a burst over nginx's per-client connection limit.
#
# The checks: every request got an answer (no transport error, no timeout), each one other than
# 200 either 413 (a sentence too long for the model) or 502 from nginx for a request in flight on
# the killed replica (at most CONCURRENCY of them), and the history equal, learner by learner and
# type by type, to the errors in the 200 answers.
#
# Usage: deploy/local-cluster.sh            (REQUESTS=600 CONCURRENCY=12 by default)
#        REQUESTS=300 CONCURRENCY=8 deploy/local-cluster.sh
#        KEEP=1 deploy/local-cluster.sh     (leaves the working directory with every log)
#        MINISERVE_CMD="java ... -cp CLASSPATH miniserve.cli.Main"  (runs that instead of ./miniserve,
#                                            without building: the test suite's way)
# Needs Debian's postgresql and nginx (bash deploy/debian-packages.sh installs them) and the
# launcher's JDK and Maven. Exit status 0 when the checks hold, 1 when one does not.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

REQUESTS="${REQUESTS:-600}"
CONCURRENCY="${CONCURRENCY:-12}"
KILL_AFTER=$((REQUESTS / 3))
LIMIT_BURST=48   # clients at once in step 5: more than nginx's limit_conn of 32
if [[ -n "${MINISERVE_CMD:-}" ]]; then read -ra MINISERVE <<<"$MINISERVE_CMD"; else MINISERVE=(./miniserve); fi
STEP_LIMIT=300   # seconds any one wait may take

say() { printf '%s  %s\n' "$(date +%T)" "$*"; }
die() { say "local-cluster: $*" >&2; exit 1; }

command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "nginx is not installed: bash deploy/debian-packages.sh (as root) or apt-get install nginx"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v psql >/dev/null || die "psql is not installed: bash deploy/debian-packages.sh (as root) or apt-get install postgresql"

WORK="$(mktemp -d -t miniserve-cluster.XXXXXX)"
chmod 755 "$WORK" # PostgreSQL runs as 'postgres' when this runs as root
declare -A REPLICA_PID=()
NGINX_PID=""
LOAD_PID=""

cleanup() {
  set +e
  [[ -n "$LOAD_PID" ]] && kill "$LOAD_PID" 2>/dev/null
  for i in "${!REPLICA_PID[@]}"; do kill -TERM "${REPLICA_PID[$i]}" 2>/dev/null; done
  for i in "${!REPLICA_PID[@]}"; do
    for _ in $(seq 1 300); do kill -0 "${REPLICA_PID[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${REPLICA_PID[$i]}" 2>/dev/null
  done
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  bash deploy/throwaway-postgres.sh stop "$WORK/postgres" >/dev/null 2>&1
  if [[ -n "${KEEP:-}" ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until URL answers 200, at most STEP_LIMIT seconds.
await_200() {
  local url="$1" what="$2" t0=$SECONDS
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" == 200 ]]; do
    (( SECONDS - t0 < STEP_LIMIT )) || die "$what was not ready within ${STEP_LIMIT}s"
    sleep 0.2
  done
}

start_replica() {
  local i="$1"
  "${MINISERVE[@]}" serve --port "${PORT[$i]}" --listen-when-ready --history-url "$HISTORY_URL" --threads 1 \
    >>"$WORK/replica-$i.log" 2>&1 &
  REPLICA_PID[$i]=$!
}

answered() { grep -c ' POST /correct ' "$WORK/nginx/logs/access.log" 2>/dev/null || true; }

if [[ -z "${MINISERVE_CMD:-}" ]]; then
  say "building ..."
  ./miniserve build
fi

say "starting PostgreSQL ..."
PG_PORT="$(bash deploy/throwaway-postgres.sh start "$WORK/postgres" | tail -1)"
HISTORY_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/miniserve?user=miniserve"
PSQL=(psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U miniserve -d miniserve)

declare -A PORT=([1]="$(free_port)" [2]="$(free_port)")
NGINX_PORT="$(free_port)"
say "starting replica 1 on :${PORT[1]} and replica 2 on :${PORT[2]} (history in PostgreSQL on :$PG_PORT) ..."
T0=$SECONDS
start_replica 1
start_replica 2
await_200 "http://127.0.0.1:${PORT[1]}/health" "replica 1"
await_200 "http://127.0.0.1:${PORT[2]}/health" "replica 2"
say "both replicas ready after $((SECONDS - T0)) s"

mkdir -p "$WORK/nginx/logs" "$WORK/nginx/temp"
sed -e "s/127\.0\.0\.1:8081/127.0.0.1:${PORT[1]}/" -e "s/127\.0\.0\.1:8082/127.0.0.1:${PORT[2]}/" \
    -e "s/listen 127\.0\.0\.1:8080/listen 127.0.0.1:$NGINX_PORT/" deploy/nginx.conf >"$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/logs/error.log" &
NGINX_PID=$!
await_200 "http://127.0.0.1:$NGINX_PORT/health" "nginx"
say "nginx on :$NGINX_PORT in front of both"

say "load: $REQUESTS requests, $CONCURRENCY clients, through nginx ..."
"${MINISERVE[@]}" loadtest --url "http://127.0.0.1:$NGINX_PORT" --concurrency "$CONCURRENCY" --total "$REQUESTS" \
  --warmup 0 --timeout-ms 60000 --max-time "$STEP_LIMIT" --out "$WORK/load" >"$WORK/load.out" 2>&1 &
LOAD_PID=$!

T0=$SECONDS
until (( $(answered) >= KILL_AFTER )); do
  kill -0 "$LOAD_PID" 2>/dev/null || die "the load test ended before $KILL_AFTER requests: $(cat "$WORK/load.out")"
  (( SECONDS - T0 < STEP_LIMIT )) || die "fewer than $KILL_AFTER requests within ${STEP_LIMIT}s"
  sleep 0.05
done
KILLED_NS=$(date +%s%N)
kill -KILL "${REPLICA_PID[1]}"
wait "${REPLICA_PID[1]}" 2>/dev/null || true
say "killed replica 1 (SIGKILL) after $(answered) answers through nginx"
sleep 1
start_replica 1
await_200 "http://127.0.0.1:${PORT[1]}/health" "restarted replica 1"
say "replica 1 restarted and ready $(( ($(date +%s%N) - KILLED_NS) / 1000000 )) ms after the kill"

LOAD_EXIT=0
wait "$LOAD_PID" || LOAD_EXIT=$?
LOAD_PID=""
(( LOAD_EXIT == 0 || LOAD_EXIT == 3 )) || die "the load test failed (exit $LOAD_EXIT): $(cat "$WORK/load.out")"

echo
echo "== the load generator's report"
sed -n '/^requests/,$p' "$WORK/load.out" | grep -v '^wrote'
echo
echo "== what every request got (requests.csv: outcome, status, count)"
awk -F, 'NR > 1 {print $3, $4}' "$WORK/load/requests.csv" | sort | uniq -c | awk '{printf "  %-9s %-4s %6d\n", $2, $3, $1}'
echo "   bodies of the answers other than 200:"
awk -F, 'NR > 1 && $4 != 200 {d = $7; for (i = 8; i <= NF; i++) d = d "," $i; print $4 "  " d}' "$WORK/load/requests.csv" \
  | sort | uniq -c | sed 's/^/  /'
CHECK=0
UNANSWERED=$(awk -F, 'NR > 1 && $3 != "response"' "$WORK/load/requests.csv" | wc -l)
OTHER=$(awk -F, 'NR > 1 && $3 == "response" && $4 != 200 && $4 != 413 && $4 != 502' "$WORK/load/requests.csv" | wc -l)
FAILED=$(awk -F, 'NR > 1 && $4 == 502' "$WORK/load/requests.csv" | wc -l)
if (( UNANSWERED > 0 || OTHER > 0 || FAILED > CONCURRENCY )); then
  echo "  CHECK FAILED: $UNANSWERED without an answer, $OTHER with another status, $FAILED 502 (at most $CONCURRENCY were in flight)"
  CHECK=1
else
  echo "  every request answered; $FAILED 502 for requests in flight on the killed replica (at most $CONCURRENCY could be)"
fi
echo
echo "== by replica (nginx's log: the replicas tried, what each answered, what the client got)"
# Fields split on '"': $1 "msec status time method uri ", $2 the replicas tried, $4 their statuses.
awk -F'"' '$1 ~ / POST \/correct $/ {split($1, f, " "); print $2 "|" $4 "|" f[2]}' "$WORK/nginx/logs/access.log" \
  | sed "s/127.0.0.1:${PORT[1]}/replica-1/g; s/127.0.0.1:${PORT[2]}/replica-2/g" \
  | sort | uniq -c | awk '{n = $1; $1 = ""; split(substr($0, 2), p, "|"); printf "  %6d  %-22s answered %-9s -> client %s\n", n, p[1], p[2], p[3]}'

echo
echo "== the learner history in PostgreSQL against the 200 answers the clients received"
awk -F, 'NR > 1 && $4 == 200 && $2 != "" && $5 != "" {n = split($5, t, " "); for (i = 1; i <= n; i++) c[$2 " " t[i]]++}
         END {for (k in c) print k, c[k]}' "$WORK/load/requests.csv" | sort >"$WORK/history-clients.txt"
"${PSQL[@]}" -F ' ' -c "SELECT learner_id, error_type, COUNT(*) FROM learner_error GROUP BY 1, 2" | sort >"$WORK/history-db.txt"
CLIENT_ERRORS=$(awk '{s += $3} END {print s + 0}' "$WORK/history-clients.txt")
DB_ERRORS=$(awk '{s += $3} END {print s + 0}' "$WORK/history-db.txt")
MOST=$(awk '{s[$1] += $3} END {m = 0; for (k in s) if (s[k] > m) m = s[k]; print m}' "$WORK/history-clients.txt")
# Rows per learner in the database: never more than the 50 it keeps.
DB_MOST=$(awk '{s[$1] += $3} END {m = 0; for (k in s) if (s[k] > m) m = s[k]; print m}' "$WORK/history-db.txt")
OK_WITH_LEARNER=$(awk -F, 'NR > 1 && $4 == 200 && $2 != ""' "$WORK/load/requests.csv" | wc -l)
echo "  clients: $OK_WITH_LEARNER answers 200 with a learner id, $CLIENT_ERRORS errors in their edits ($(wc -l <"$WORK/history-clients.txt") learner/type pairs, at most $MOST errors for one learner)"
echo "  database: $DB_ERRORS errors ($(wc -l <"$WORK/history-db.txt") learner/type pairs, at most $DB_MOST for one learner)"
if (( MOST > 50 )); then
  echo "  (a learner has more than the 50 errors the database keeps: compare with fewer REQUESTS)"
  CHECK=1
elif diff "$WORK/history-clients.txt" "$WORK/history-db.txt" >"$WORK/history-diff.txt"; then
  echo "  the same, learner by learner and type by type"
else
  echo "  DIFFERENT (< clients, > database):"
  sed 's/^/    /' "$WORK/history-diff.txt"
  CHECK=1
fi

echo
echo "== a burst of $LIMIT_BURST clients at once from one address (nginx: limit_conn 32 per address)"
"${MINISERVE[@]}" loadtest --url "http://127.0.0.1:$NGINX_PORT" --concurrency "$LIMIT_BURST" --total $((LIMIT_BURST * 2)) \
  --warmup 0 --timeout-ms 60000 --max-time "$STEP_LIMIT" --seed 7 --out "$WORK/burst" >"$WORK/burst.out" 2>&1 || true
awk -F, 'NR > 1 {print $3, $4}' "$WORK/burst/requests.csv" | sort | uniq -c | awk '{printf "  %-9s %-4s %6d\n", $2, $3, $1}'

echo
if (( CHECK == 0 )); then say "checks hold"; else say "a check failed"; fi
exit "$CHECK"

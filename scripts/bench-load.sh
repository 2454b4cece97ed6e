#!/usr/bin/env bash
# Load benchmark against the release build, printed side by side in one run:
#   static asset req/s, anonymous hub home req/s, member dashboard req/s,
#   member-page latency (p50/p99) idle, and during 50 concurrent sign-ins.
# Uses wrk (Debian's package; installed if missing). The server runs on a fresh embedded
# SQLite data directory with the demo seeded, on 127.0.0.1:$PORT.
#   scripts/bench-load.sh            (DURATION=10 seconds per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3900}"
DURATION="${DURATION:-10}"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
scripts/build-release.sh >/dev/null

data=$(mktemp -d)
export RALLY_DATA_DIR="$data" RALLY_LISTEN="127.0.0.1:$PORT" RALLY_LOG=warn \
  LEPTOS_SITE_ROOT=dist/site \
  RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT=10000 RALLY_LOGIN_ATTEMPTS_PER_ADDRESS=100000
dist/rally seed demo >/dev/null
dist/rally serve & server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

acme="acme.localhost:$PORT"
accounts="accounts.localhost:$PORT"
# A member's session on acme: sign in on the accounts host, then the SSO round trip.
jar="$data/cookies"
curl -fsS -o /dev/null -c "$jar" -b "$jar" --resolve "accounts.localhost:$PORT:127.0.0.1" \
  -d 'email=alice%40example.com&password=rally-demo-password' "http://$accounts/login"
curl -fsS -o /dev/null -L -c "$jar" -b "$jar" \
  --resolve "accounts.localhost:$PORT:127.0.0.1" --resolve "acme.localhost:$PORT:127.0.0.1" \
  "http://$acme/sso/start?return_to=%2F"
member=$(awk '$1 ~ /acme.localhost/ && $6 == "rally_session" {print $7}' "$jar")
[ -n "$member" ] || { echo "could not sign in alice on acme"; exit 1; }

# wrk against 127.0.0.1 with the hub's Host header (wrk does not resolve *.localhost).
run() { # host path connections [extra wrk args…]
  local host=$1 path=$2 conns=$3; shift 3
  wrk -t2 -c"$conns" -d"${DURATION}s" --latency -H "Host: $host" "$@" "http://127.0.0.1:$PORT$path"
}
rps() { awk '/Requests\/sec/ {print $2}'; }
pct() { awk -v p="$1" '$1 == p {print $2}'; }

# The stylesheet under its hashed name, as pages link it.
css="/pkg/rally.$(awk -F': *' '$1 == "css" {print $2}' dist/hash.txt).css"
curl -fsS -o /dev/null -D "$data/css-headers" --resolve "acme.localhost:$PORT:127.0.0.1" "http://$acme$css"
echo "==> $css: $(grep -i '^cache-control' "$data/css-headers" | tr -d '\r')"
echo "==> static asset, anonymous hub home, member dashboard (8 connections each)"
static=$(run "$acme" "$css" 8 | rps)
home=$(run "$acme" / 8 | rps)
dashboard=$(run "$acme" / 8 -H "Cookie: rally_session=$member" | rps)

echo "==> member page (/leaderboard, 4 connections) idle"
idle=$(run "$acme" /leaderboard 4 -H "Cookie: rally_session=$member")

echo "==> the same during 50 concurrent sign-ins"
cat >"$data/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "email=alice%40example.com&password=rally-demo-password"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
run "$accounts" /login 50 -s "$data/login.lua" >"$data/logins.txt" & logins=$!
sleep 1
busy=$(run "$acme" /leaderboard 4 -H "Cookie: rally_session=$member")
wait $logins

printf '\n%-44s %12s\n' "measurement" "result"
printf '%-44s %12s\n' "static asset ($css) req/s" "$static"
printf '%-44s %12s\n' "anonymous hub home req/s" "$home"
printf '%-44s %12s\n' "member dashboard req/s" "$dashboard"
printf '%-44s %12s\n' "member page p50, idle" "$(echo "$idle" | pct 50%)"
printf '%-44s %12s\n' "member page p99, idle" "$(echo "$idle" | pct 99%)"
printf '%-44s %12s\n' "member page p50, during 50 sign-ins" "$(echo "$busy" | pct 50%)"
printf '%-44s %12s\n' "member page p99, during 50 sign-ins" "$(echo "$busy" | pct 99%)"
printf '%-44s %12s\n' "sign-ins completed per second" "$(rps <"$data/logins.txt")"

# Shell functions shared by the scripts of deploy/ (sourced, not run).

# A TCP port on 127.0.0.1 that nothing answers on now (another process may still take it first).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
}

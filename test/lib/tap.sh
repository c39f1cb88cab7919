# Shared by the scripts that print "ok N - ..." / "not ok N - ..." and end with
# "N passed, N failed[, N skipped]" (test/cli/run.sh, test/cli/production.sh,
# test/tools/run.sh, test/package/deb.sh).  Source it after setting $tmp, the
# script's scratch directory.
#
#   expect DESCRIPTION COMMAND...   one check; COMMAND's exit status decides.  On
#       failure the last run's status ($rc) and what it left in $tmp/out and
#       $tmp/err are shown as comments.  With TAP_CAPTURE set, COMMAND's own
#       output goes to $tmp/last and is shown instead.
#   skip WHY                        one check that could not run here.
#   finish                          the summary line; exits 1 if a check failed.
#   tap_summary                     the summary line only; false if a check failed.

passed=0
failed=0
skipped=0
n=0

expect() {
  local desc=$1 ok
  shift
  n=$((n + 1))
  if [ -n "${TAP_CAPTURE:-}" ]; then
    "$@" >"$tmp/last" 2>&1 && ok=1 || ok=0
  else
    "$@" && ok=1 || ok=0
  fi
  if [ "$ok" = 1 ]; then
    echo "ok $n - $desc"
    passed=$((passed + 1))
    return
  fi
  echo "not ok $n - $desc"
  failed=$((failed + 1))
  {
    if [ -n "${TAP_CAPTURE:-}" ]; then
      tail -n 40 "$tmp/last"
    else
      echo "exit status: ${rc:-}"
      [ -f "$tmp/out" ] && sed 's/^/output: /' "$tmp/out" | head -n 40
      [ -f "$tmp/err" ] && sed 's/^/stderr: /' "$tmp/err" | head -n 40
    fi
  } | sed 's/^/# /'
}

skip() {
  n=$((n + 1))
  echo "ok $n - # SKIP $1"
  skipped=$((skipped + 1))
}

tap_summary() {
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
}

finish() {
  tap_summary
  exit
}

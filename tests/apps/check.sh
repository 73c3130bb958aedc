# Shared by the CLI test scripts (sourced): `check` runs a command and compares its exit status, counting
# failures in $failures; stdout and stderr land in $tmp/out and $tmp/err for later greps.
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION EXPECTED_EXIT COMMAND...
  local what=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "$what: exit $got, expected $want"; cat "$tmp/out" "$tmp/err"
  else
    echo "ok: $what"
  fi
}

#!/usr/bin/env bash
# Negative test: a command must exit with the expected code and print exactly one line on stderr
# matching a pattern (a clear message, no crash).
# usage: expect_error.sh EXPECTED_RC REGEX COMMAND...
set -u
want_rc=$1 regex=$2; shift 2
err=$(mktemp); trap 'rm -f "$err"' EXIT
"$@" </dev/null >/dev/null 2>"$err"; rc=$?
echo "exit code $rc, stderr: $(cat "$err")"
[ "$rc" = "$want_rc" ] || { echo "expected exit code $want_rc"; exit 1; }
grep -Eq -- "$regex" "$err" || { echo "stderr does not match /$regex/"; exit 1; }
[ "$(grep -c . "$err")" = 1 ] || { echo "expected exactly one line on stderr"; exit 1; }

#!/bin/sh
# Runs a command-line program and checks how it ended; the ctest tests of
# relstore-demo's and relstore-bench's command lines use it.
#
#   cli_expect.sh STATUS [CHECK]... -- PROGRAM [ARG]...
#
# STATUS is the exit status expected. Each CHECK is one of
#   out=REGEX   some line of stdout matches the extended regular expression
#   err=REGEX   the same for stderr
#   out-empty   nothing on stdout
#   err-empty   nothing on stderr
# A usage error (STATUS 2) must also be exactly two lines on stderr, the
# second the short usage line, so a program cannot dump its whole help there.
# The program's output is always echoed, for ctest --output-on-failure and
# FAIL_REGULAR_EXPRESSION.
set -u
if [ $# -lt 3 ]; then
  echo "usage: cli_expect.sh STATUS [CHECK]... -- PROGRAM [ARG]..." >&2
  exit 2
fi
want=$1
shift
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
: >"$dir/checks"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  printf '%s\n' "$1" >>"$dir/checks"
  shift
done
[ $# -gt 1 ] || { echo "cli_expect.sh: no program after --" >&2; exit 2; }
shift
"$@" >"$dir/out" 2>"$dir/err"
got=$?

echo "--- $* (exit status $got)"
echo "--- stdout:"
cat "$dir/out"
echo "--- stderr:"
cat "$dir/err"
echo "---"

fail=0
problem() {
  echo "FAILED: $*"
  fail=1
}
[ "$got" -eq "$want" ] || problem "exit status $got, expected $want"
while IFS= read -r check; do
  case $check in
    out=*) grep -Eq -e "${check#out=}" "$dir/out" || problem "no line of stdout matches /${check#out=}/" ;;
    err=*) grep -Eq -e "${check#err=}" "$dir/err" || problem "no line of stderr matches /${check#err=}/" ;;
    out-empty) [ ! -s "$dir/out" ] || problem "stdout is not empty" ;;
    err-empty) [ ! -s "$dir/err" ] || problem "stderr is not empty" ;;
    *) problem "unknown check '$check'" ;;
  esac
done <"$dir/checks"
if [ "$want" -eq 2 ]; then
  lines=$(wc -l <"$dir/err")
  [ "$lines" -eq 2 ] || problem "stderr has $lines lines, expected the problem and the usage line"
  tail -n 1 "$dir/err" | grep -Eq '^usage: .*  \(--help for details\)$' || problem "stderr does not end with the usage line"
fi
exit $fail

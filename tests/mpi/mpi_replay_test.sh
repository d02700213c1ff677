#!/bin/sh
# mpi_replay against the threaded `rvtrace replay` (the oracle here is the single-process replay,
# itself checked against sequential interpretation by trace_cli_roundtrip):
#   - 2 and 3 ranks (uneven chunks), shared and shipped trace, static and dynamic schedule:
#     digest and witness output byte-identical to `rvtrace replay`; the other policies once;
#   - ship mode with the trace and ELF absent on ranks other than 0 (an MPMD launch gives them
#     paths that do not exist), so those ranks cannot have read them;
#   - a corrupted chunk owned by rank 1 fails with one message naming the chunk and the rank, exit
#     120, in both feeding modes; a rank that dies, and a rank that stalls (--timeout), end the run
#     with a nonzero exit instead of a hang;
#   - rvtrace replay --chunks/--save-partial + rvtrace merge equal a whole replay.
# usage: mpi_replay_test.sh MPI_REPLAY RVTRACE GUEST_DIR WORK_DIR MPIRUN
set -eu
mpi=$1 cli=$2 g=$3 w=$4 mpirun=$5
rm -rf "$w" && mkdir -p "$w"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Root in containers: allowed explicitly; no shared-memory single-copy (needs ptrace rights).
export OMPI_MCA_btl_vader_single_copy_mechanism=none
run() { timeout -k 10 120 "$mpirun" --allow-run-as-root --oversubscribe "$@"; }

elf=$g/sort-rv64imac.elf
t=$w/sort.rvmt
"$cli" trace --chunk-steps 1024 -o "$t" "$elf" 80 > /dev/null
chunks=$("$cli" info "$t" | sed -n 's/^chunks *//p')
for p in digest witness histogram memops text; do
  "$cli" replay "$t" --elf "$elf" --threads 2 --policy $p -o "$w/ref.$p"
done

check() {  # check NAME POLICY: output equals the threaded replay's
  cmp -s "$w/out.$2" "$w/ref.$2" || fail "$1: $2 output differs from rvtrace replay"
}
for np in 2 3; do
  for sched in static dynamic; do
    for p in digest witness; do
      run -np $np "$mpi" "$t" --elf "$elf" --policy $p --schedule $sched --threads 2 -o "$w/out.$p"
      check "np $np shared $sched" $p
      run -np 1 "$mpi" "$t" --elf "$elf" --policy $p --feed ship --schedule $sched --threads 1 -o "$w/out.$p" \
        : -np $((np - 1)) "$mpi" "$w/absent/sort.rvmt" --elf "$w/absent/sort.elf" --threads 1
      check "np $np ship $sched" $p
    done
  done
done
for p in histogram memops text; do
  run -np 3 "$mpi" "$t" --elf "$elf" --policy $p --schedule dynamic --grain 3 --threads 1 -o "$w/out.$p"
  check "np 3 dynamic grain 3" $p
done
echo "mpi_replay output equals rvtrace replay ($chunks chunks)"

# --chunks / --save-partial / merge equal a whole replay; merging out of order is refused.
a=$((chunks / 3)) b=$((2 * chunks / 3))
for p in digest witness histogram memops text; do
  "$cli" replay "$t" --elf "$elf" --policy $p --chunks :$a --save-partial "$w/p1.$p"
  "$cli" replay "$t" --elf "$elf" --policy $p --chunks $a:$b --threads 2 --save-partial "$w/p2.$p"
  "$cli" replay "$t" --elf "$elf" --policy $p --chunks $b: --save-partial "$w/p3.$p"
  "$cli" merge "$w/p1.$p" "$w/p2.$p" "$w/p3.$p" --force -o "$w/out.$p"
  check "merge" $p
done
if "$cli" merge "$w/p2.digest" "$w/p1.digest" "$w/p3.digest" > /dev/null 2> "$w/err"; then fail "merge out of order accepted"; fi
grep -q "does not continue" "$w/err" || fail "merge order message: $(cat "$w/err")"
echo "replay --chunks + merge equal a whole replay"

# A corrupted log word of a chunk rank 1 owns (static blocks of 2 ranks: the second half).
word() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
L=$(word "$t" 40) logat=$(word "$t" 80) index=$(word "$t" 88)  # header words 5, 10, 11
c=$((chunks - 1))
while [ $c -ge $((chunks / 2)) ] && [ "$(word "$t" $((index + 296 * c + 280)))" = 0 ]; do c=$((c - 1)); done
[ $c -ge $((chunks / 2)) ] || fail "no chunk with log words in rank 1's block"
bad=$w/bad.rvmt
cp "$t" "$bad"
printf '\377' | dd of="$bad" bs=1 seek=$((logat + 8 * $(word "$t" $((index + 296 * c + 272))))) conv=notrunc 2> /dev/null
for feed in shared ship; do
  set +e
  run -np 2 "$mpi" "$bad" --elf "$elf" --feed $feed --threads 1 > /dev/null 2> "$w/err"
  rc=$?
  set -e
  [ $rc -eq 120 ] || fail "corrupt chunk ($feed): exit code $rc: $(cat "$w/err")"
  [ "$(grep -c '^mpi_replay: error:' "$w/err")" = 1 ] || fail "corrupt chunk ($feed): not one error line: $(cat "$w/err")"
  grep '^mpi_replay: error:' "$w/err" | grep -q "chunk $c .*checksum mismatch.*on rank 1" ||
    fail "corrupt chunk ($feed): message does not name chunk $c and rank 1: $(cat "$w/err")"
done
echo "corrupt chunk $c on rank 1: one clear error, exit 120 (L=$L)"

# A rank that dies (the MPI runtime ends the job; --timeout as well, should mpirun not notice: one
# CI run hung here for 120 s) and one that stalls (our timeout).
set +e
run -np 3 "$mpi" "$t" --elf "$elf" --threads 1 --timeout 20 --test-fault 1:kill > /dev/null 2> "$w/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "killed rank: exit code $rc (124: hung)"
set +e
run -np 3 "$mpi" "$t" --elf "$elf" --threads 1 --timeout 3 --test-fault 1:stall > /dev/null 2> "$w/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "stalled rank: exit code $rc (124: hung)"
[ "$(grep -c '^mpi_replay: error:' "$w/err")" = 1 ] || fail "stalled rank: not one error line: $(cat "$w/err")"
grep -q "rank 1 sent nothing for 3 s" "$w/err" || fail "stalled rank message: $(cat "$w/err")"
echo "dead and stalled ranks end the run (exit codes nonzero, no hang)"
echo "mpi_replay test OK"

#!/usr/bin/env bash
# Whole-program differential test of the zisk platform: a ZisK-ABI guest under rvtrace (interpreter
# and AOT; run, then trace + verify + replay) against the unicorn model (unicorn_zisk.py): the same
# UART bytes and public outputs, the same ZisK step count.
# usage: cli_vs_unicorn.sh RVTRACE PYTHON ELF INPUT WORKDIR [CHUNK_STEPS...]
# With WANT_OUTPUT=FILE and WANT_STEPS=N in the environment, the unicorn model's answer recorded
# earlier is used instead of running it (the shared block takes it ~2 minutes).
set -eu
cli=$1 py=$2 elf=$3 input=$4 work=$5
shift 5
chunks=${*:-262144}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
if [ -n "${WANT_OUTPUT:-}" ]; then
  cp "$WANT_OUTPUT" "$work/want.txt"
  echo "zisk steps: $WANT_STEPS" >"$work/want.err"
else
  "$py" "$here/unicorn_zisk.py" "$elf" --input "$input" --outputs --steps >"$work/want.txt" 2>"$work/want.err"
fi
want_steps=$(sed -n 's/^zisk steps: //p' "$work/want.err")
[ -n "$want_steps" ] || { echo "unicorn model gave no step count"; cat "$work/want.err"; exit 1; }
for engine in interp aot; do
  "$cli" run --platform zisk --engine "$engine" --input "$input" --outputs --stats "$elf" >"$work/$engine.txt" 2>"$work/$engine.err"
  cmp "$work/want.txt" "$work/$engine.txt" || { echo "$engine: output differs from the unicorn model"; diff "$work/want.txt" "$work/$engine.txt" | head; exit 1; }
  echo "$engine: output identical to the unicorn model"
done
got_steps=$(sed -n 's/^rvtrace: zisk steps: \([0-9]*\).*/\1/p' "$work/interp.err")
[ "$got_steps" = "$want_steps" ] || { echo "zisk steps: rvtrace $got_steps, unicorn $want_steps"; exit 1; }
echo "zisk steps $got_steps on both"
seq_digest=$("$cli" witness --platform zisk --input "$input" --policy digest "$elf" 2>/dev/null | tail -1)
for chunk in $chunks; do
  t="$work/t.rvmt"
  "$cli" trace --platform zisk --input "$input" --force --outputs --stats -o "$t" --chunk-steps "$chunk" "$elf" >"$work/trace.txt" 2>"$work/trace.err"
  traced_steps=$(sed -n 's/^rvtrace: zisk steps: \([0-9]*\)$/\1/p' "$work/trace.err")
  [ "$traced_steps" = "$want_steps" ] || { echo "trace --stats: zisk steps '$traced_steps', want $want_steps"; cat "$work/trace.err"; exit 1; }
  cmp "$work/want.txt" "$work/trace.txt" || { echo "trace: guest output differs"; exit 1; }
  "$cli" verify "$t" --elf "$elf" --input "$input" --threads 2
  replayed=$("$cli" replay "$t" --elf "$elf" --threads 2 --policy zisk-steps)
  [ "$replayed" = "zisk steps: $want_steps" ] || { echo "replay gives '$replayed', want $want_steps"; exit 1; }
  rep_digest=$("$cli" replay "$t" --elf "$elf" --threads 2 --policy digest)
  [ "$seq_digest" = "$rep_digest" ] || { echo "digest: sequential '$seq_digest', replay '$rep_digest'"; exit 1; }
  echo "chunk $chunk: trace verified, replay: $replayed, digest equal to the sequential run's"
  rm -f "$t"
done

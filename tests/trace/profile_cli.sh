#!/bin/sh
# rvtrace profile end to end. usage: profile_cli.sh MODE RVTRACE GUEST_DIR WORK_DIR SRC_DIR
#   MODE cli:        text/folded outputs, replay == sequential (witness --policy profile), bad input
#   MODE svg:        the SVG flame graph loads in headless Chromium without errors and its text
#                    nodes show the expected frames (skipped, exit 77, without chromium)
#   MODE speedscope: the speedscope JSON validates against the schema of the `speedscope` npm
#                    package, installed into WORK_DIR (skipped, exit 77, without npm)
set -u
mode=$1 rv=$2 guests=$3 work=$4 src=$5
elf="$guests/profile_calls-rv64imac.elf"
rm -rf "$work" && mkdir -p "$work"  # outputs are never overwritten: start clean
fail() { echo "FAIL: $*"; exit 1; }
"$rv" trace --force -o "$work/p16.rvmt" --chunk-steps 16 "$elf" 12 >/dev/null || fail "trace"

case "$mode" in
cli)
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --threads 2 > "$work/text.txt" || fail "profile text"
  # The hottest function of this guest is fib (its table row comes first).
  sed -n 3p "$work/text.txt" | grep -q ' fib$' || fail "top function is not fib: $(sed -n 3p "$work/text.txt")"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --threads 2 --format folded -o "$work/replay.folded" || fail "folded"
  "$rv" witness --policy profile --format folded -o "$work/seq.folded" "$elf" 12 >/dev/null || fail "witness"
  cmp "$work/replay.folded" "$work/seq.folded" || fail "replayed and sequential folded stacks differ"
  grep -q '^_start;main;\[unwind\];main;unwinder [0-9]' "$work/seq.folded" || fail "no region frame in folded stacks"
  # A cost model changes the unit; a bad one is refused with one line naming the file.
  printf '{"unit": "rows", "weights": {"load": 2, "store": 3}}' > "$work/cm.json"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --cost-model "$work/cm.json" | head -1 | grep -q ' rows,' || fail "cost model unit"
  printf '{"unit": "rows", "weights": {"lod": 2}}' > "$work/bad.json"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --cost-model "$work/bad.json" 2> "$work/err" && fail "bad cost model accepted"
  [ $? -eq 120 ] || fail "bad cost model: exit code"
  grep -q "bad.json: unknown instruction class 'lod'" "$work/err" || fail "bad cost model: message $(cat "$work/err")"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" -o "$work/p16.rvmt" 2>/dev/null && fail "overwrote its input"
  "$rv" verify "$work/p16.rvmt" --elf "$elf" 12 >/dev/null || fail "the trace was damaged"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --format classes | tail -1 | grep -q '^total alu=' || fail "classes"
  ;;
svg)
  command -v chromium >/dev/null || { echo "SKIP: chromium not installed (apt-get install chromium)"; exit 77; }
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --format svg -o "$work/flame.svg" || fail "svg"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$work/flame.svg" > "$work/dom.xml" 2>"$work/chromium.log" \
    || fail "chromium: $(tail -3 "$work/chromium.log")"
  grep -qi "parsererror\|This page contains the following errors" "$work/dom.xml" && fail "SVG parse error: $(head -c 600 "$work/dom.xml")"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1240,800 --screenshot="$work/flame.png" "file://$work/flame.svg" \
    >/dev/null 2>&1 || fail "chromium screenshot"
  [ -s "$work/flame.png" ] || fail "no screenshot"
  python3 - "$work/dom.xml" <<'PY' || fail "frames missing from the SVG's text nodes"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
texts = {t.text for t in root.iter() if t.tag.endswith('text') and t.text}
want = {'all', '_start', 'main', 'fib', '[recursion]', '[unwind]'}
missing = want - texts
if missing:
    print('missing:', sorted(missing), 'have:', sorted(texts)[:40]); sys.exit(1)
titles = [t.text for t in root.iter() if t.tag.endswith('title') and t.text]
if not any(t.startswith('fib (') for t in titles): print('no fib title'); sys.exit(1)
print('SVG shows', len(texts), 'labels, e.g.', sorted(want))
PY
  ;;
speedscope)
  command -v npm >/dev/null && command -v node >/dev/null || { echo "SKIP: npm/node not installed (apt-get install npm)"; exit 77; }
  if [ ! -f "$work/node_modules/speedscope/dist/release/file-format-schema.json" ] || [ ! -d "$work/node_modules/ajv" ]; then
    (cd "$work" && timeout 300 npm install --no-audit --no-fund --silent --prefix "$work" speedscope ajv >/dev/null 2>&1) \
      || { echo "SKIP: npm could not install speedscope and ajv"; exit 77; }
  fi
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --format speedscope -o "$work/p.speedscope.json" || fail "speedscope"
  NODE_PATH="$work/node_modules" node "$src/validate_speedscope.js" "$work/p.speedscope.json" || fail "schema"
  printf '{"unit": "rows", "default": 2}' > "$work/cm.json"
  "$rv" profile "$work/p16.rvmt" --elf "$elf" --format speedscope --cost-model "$work/cm.json" -o "$work/p2.json" || fail "speedscope 2"
  NODE_PATH="$work/node_modules" node "$src/validate_speedscope.js" "$work/p2.json" | grep -q '2 profile(s)' || fail "schema (2 units)"
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "OK: profile $mode"

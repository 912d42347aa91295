#!/usr/bin/env bash
# Runs one AFL++ campaign against a Shockwave.Codec harness.
#
#   bash fuzz/run.sh TARGET SECONDS
#
# Builds the harness in Release, copies the output to fuzz/findings/TARGET/app, instruments the copy of
# Shockwave.Codec.dll (never the harness) with the sharpfuzz tool pinned in .config/dotnet-tools.json, and runs
# afl-fuzz for SECONDS on fuzz/corpus/TARGET with fuzz/dictionaries/*.dict. Installs Debian's afl++ when afl-fuzz is
# missing. Prints the statistics, copies every crash and hang to fuzz/crashes/TARGET/ (reproducers kept in git; replay
# one with the plain build, `dotnet fuzz/Shockwave.Codec.Fuzz/bin/Release/net10.0/Shockwave.Codec.Fuzz.dll replay TARGET FILE`:
# the instrumented copy in fuzz/findings/TARGET/app dies with an access violation outside afl-fuzz) and exits non-zero
# if any was saved. FUZZ_TIMEOUT_MS (default 5000) is the per-input time limit.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: bash fuzz/run.sh TARGET SECONDS" >&2
  exit 2
fi

TARGET="$1"
DURATION="$2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="$ROOT/fuzz/Shockwave.Codec.Fuzz/Shockwave.Codec.Fuzz.csproj"
CORPUS="$ROOT/fuzz/corpus/$TARGET"
CRASHES="$ROOT/fuzz/crashes/$TARGET"
WORK="$ROOT/fuzz/findings/$TARGET"
APP="$WORK/app"
OUT="$WORK/out"
TIMEOUT_MS="${FUZZ_TIMEOUT_MS:-5000}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -d "$CORPUS" ] || [ -z "$(ls -A "$CORPUS")" ]; then
  echo "no seed corpus at $CORPUS (targets: see 'dotnet run --project $PROJECT -- list')" >&2
  exit 2
fi

echo "== build (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet
BUILD_OUT="$ROOT/fuzz/Shockwave.Codec.Fuzz/bin/Release/net10.0"

echo "== copy to $APP"
rm -rf "$WORK"
mkdir -p "$APP"
cp -r "$BUILD_OUT/." "$APP/"
if ! dotnet "$APP/Shockwave.Codec.Fuzz.dll" list | grep -qx "$TARGET"; then
  echo "unknown target '$TARGET'; targets:" >&2
  dotnet "$APP/Shockwave.Codec.Fuzz.dll" list >&2
  exit 2
fi

echo "== instrument Shockwave.Codec.dll"
(cd "$ROOT" && dotnet tool restore >/dev/null)
(cd "$ROOT" && dotnet tool run sharpfuzz "$APP/Shockwave.Codec.dll")

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "== install afl++ (Debian)"
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y afl++ >/dev/null
fi

DICT_ARGS=()
for dict in "$ROOT"/fuzz/dictionaries/*.dict; do
  DICT_ARGS+=(-x "$dict")
done

echo "== afl-fuzz $TARGET for ${DURATION}s"
# AFL_SKIP_BIN_CHECK: the target is `dotnet`, not an instrumented binary; SharpFuzz speaks the fork server protocol.
# AFL_NO_AFFINITY: the machine is shared, do not pin a core. AFL_SKIP_CPUFREQ and AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES:
# containers cannot tune the governor or core_pattern, and a .NET exception is reported through the fork server anyway.
set +e
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1 \
  afl-fuzz -i "$CORPUS" -o "$OUT" "${DICT_ARGS[@]}" -V "$DURATION" -t "$TIMEOUT_MS" -m none \
  -- dotnet "$APP/Shockwave.Codec.Fuzz.dll" "$TARGET" >"$WORK/afl.log" 2>&1
AFL_RC=$?
set -e

STATS="$OUT/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$STATS" | head -n 1; }

FOUND=0
mkdir -p "$CRASHES"
for kind in crashes hangs; do
  for file in "$OUT/default/$kind"/id:*; do
    [ -e "$file" ] || continue
    # Colons and commas make awkward file names on other systems.
    name="$(basename "$file" | tr ':,' '_-')"
    cp "$file" "$CRASHES/$TARGET-$kind-$name"
    echo "saved $kind reproducer: fuzz/crashes/$TARGET/$TARGET-$kind-$name"
    FOUND=$((FOUND + 1))
  done
done

if [ ! -f "$STATS" ]; then
  echo "afl-fuzz exited with $AFL_RC before writing statistics; its log ($WORK/afl.log) ends with:" >&2
  tail -n 30 "$WORK/afl.log" >&2
  exit 1
fi

# In persistent mode a hang or a process-killing fault ends the fork server: afl-fuzz stops early. The input that was
# running is .cur_input; keep it as a reproducer.
if [ "$AFL_RC" != "0" ]; then
  echo "afl-fuzz exited with $AFL_RC; its log ends with:" >&2
  tail -n 15 "$WORK/afl.log" >&2
  if [ -f "$OUT/default/.cur_input" ]; then
    name="$TARGET-abort-$(date -u +%Y%m%dT%H%M%SZ)"
    cp "$OUT/default/.cur_input" "$CRASHES/$name"
    echo "saved the input running at the abort: fuzz/crashes/$TARGET/$name"
  fi
  FOUND=$((FOUND + 1))
fi

RUN_TIME="$(stat run_time)"
EXECS="$(stat execs_done)"
echo "== $TARGET: results"
echo "run time (s):      ${RUN_TIME:-?}"
echo "executions:        ${EXECS:-?}"
echo "execs/sec:         $(stat execs_per_sec) (last minute: $(stat execs_ps_last_min))"
echo "paths (corpus):    $(stat corpus_count) (found: $(stat corpus_found))"
echo "stability:         $(stat stability)"
echo "crashes:           $(stat saved_crashes)"
echo "hangs:             $(stat saved_hangs)"
echo "command:           bash fuzz/run.sh $TARGET $DURATION"

rmdir "$CRASHES" 2>/dev/null || true
if [ "$FOUND" -ne 0 ]; then
  echo "FAILED: $FOUND finding(s) saved in fuzz/crashes/$TARGET/" >&2
  exit 1
fi
echo "no crashes, no hangs"

#!/usr/bin/env bash
# Run newsbot from system cron: one run at a time, output appended to a log file,
# newsbot's exit code passed through (0 ok, 1 fatal, 2 partial, 64 usage, 75 locked).
#
#   NEWSBOT_DIR   the newsbot checkout with newsbot.toml and jobs/  (default: this script's ..)
#   NEWSBOT       the newsbot command                               (default: $NEWSBOT_DIR/.venv/bin/newsbot)
#   NEWSBOT_LOG   log file                                          (default: $NEWSBOT_DIR/newsbot.log)
#   NEWSBOT_LOCK  lock file                                         (default: $NEWSBOT_DIR/.newsbot.lock)
# Extra arguments go to `newsbot run` (e.g. --job krnews-it).
set -uo pipefail

dir="${NEWSBOT_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
bin="${NEWSBOT:-$dir/.venv/bin/newsbot}"
log="${NEWSBOT_LOG:-$dir/newsbot.log}"
lock="${NEWSBOT_LOCK:-$dir/.newsbot.lock}"

cd "$dir" || exit 1
exec 9>>"$lock" || exit 1
if ! flock -n 9; then
  echo "$(date -u +%FT%TZ) newsbot-cron: another run holds $lock; not starting" >>"$log"
  exit 75  # EX_TEMPFAIL
fi

echo "$(date -u +%FT%TZ) newsbot-cron: start $*" >>"$log"
"$bin" run --publish "$@" >>"$log" 2>&1
code=$?
echo "$(date -u +%FT%TZ) newsbot-cron: exit $code" >>"$log"
exit "$code"

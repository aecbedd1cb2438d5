#!/usr/bin/env bash
# Run newsbot from system cron: one wrapper run at a time, the output appended to a
# log file, newsbot's exit code passed through (0 ok or nothing new, 1 fatal,
# 2 partial, 64 usage, 75 locked). On a non-zero exit the run's summary also goes to
# stdout, which cron mails to the crontab's owner (MAILTO); a good night mails nothing.
#
#   NEWSBOT_DIR   the folder with newsbot.toml and jobs/  (default: this script's ..)
#   NEWSBOT       the newsbot command          (default: $NEWSBOT_DIR/.venv/bin/newsbot,
#                                               else newsbot on PATH)
#   NEWSBOT_LOG   log file                     (default: $NEWSBOT_DIR/newsbot.log)
#   NEWSBOT_LOCK  the wrapper's own lock file  (default: $NEWSBOT_DIR/.newsbot-cron.lock;
#                 newsbot's own .newsbot.lock beside _posts is separate)
# Arguments go to `newsbot run` as given (e.g. --job krnews-it --publish): publishing
# happens only when asked for here or by [publish] enabled = true in newsbot.toml.
set -uo pipefail

dir="${NEWSBOT_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
bin="${NEWSBOT:-}"
if [ -z "$bin" ]; then
  if [ -x "$dir/.venv/bin/newsbot" ]; then bin="$dir/.venv/bin/newsbot"; else bin=newsbot; fi
fi
log="${NEWSBOT_LOG:-$dir/newsbot.log}"
lock="${NEWSBOT_LOCK:-$dir/.newsbot-cron.lock}"
stamp() { date -u +%FT%TZ; }

cd "$dir" || { echo "newsbot-cron: cannot cd to $dir"; exit 1; }
if command -v flock >/dev/null 2>&1; then
  exec 9>>"$lock" || { echo "newsbot-cron: cannot open $lock"; exit 1; }
  if ! flock -n 9; then
    msg="$(stamp) newsbot-cron: another newsbot-cron run holds $lock; not starting"
    echo "$msg" >>"$log"
    echo "$msg"
    exit 75  # EX_TEMPFAIL
  fi
else
  # Said, not hidden: without flock two wrapper runs may overlap; newsbot's own lock
  # still stops a second run on the same _posts (it exits 75).
  echo "$(stamp) newsbot-cron: flock not found; running without the wrapper's lock" >>"$log"
fi

out="$(mktemp "${TMPDIR:-/tmp}/newsbot-cron.XXXXXX")" || { echo "newsbot-cron: mktemp failed"; exit 1; }
trap 'rm -f "$out"' EXIT
echo "$(stamp) newsbot-cron: start run $*" >>"$log"
"$bin" run "$@" >"$out" 2>&1
code=$?
cat "$out" >>"$log"
echo "$(stamp) newsbot-cron: exit $code" >>"$log"
if [ "$code" -ne 0 ]; then
  echo "newsbot run $* exited $code ($dir); its summary:"
  cat "$out"
fi
exit "$code"

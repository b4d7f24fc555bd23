#!/bin/sh
# The JobManager of the compose stack (application mode). Before Flink starts, it looks for the newest savepoint
# or retained checkpoint on the checkpoints volume and restores the monitor job from it, so that a restarted or
# recreated container continues where the job stopped instead of starting empty. TOUCHPOINT_FRESH=true starts
# empty on purpose (the old state stays on the volume). See docs/reliability.md, "The full stack".
set -eu
state="${TOUCHPOINT_STATE:-/checkpoints}"
classpath="${TOUCHPOINT_CLASSPATH:-/opt/touchpoint/lib/*}"
flink="${FLINK_ENTRYPOINT:-/docker-entrypoint.sh}"

restore=""
if [ "${TOUCHPOINT_FRESH:-false}" != "true" ]; then
  restore="$(java -cp "$classpath" io.touchpoint.job.StateDirectory "$state")"
fi
if [ -n "$restore" ]; then
  echo "touchpoint: restoring the monitor job from $restore"
  exec "$flink" standalone-job --fromSavepoint "$restore" "$@"
fi
echo "touchpoint: no savepoint or retained checkpoint in $state: the monitor job starts empty"
exec "$flink" standalone-job "$@"

#!/bin/sh
# Run one setup step with a time limit, so that a wedged network or package source fails
# the setup loudly instead of stalling it:
#
#   sh replication/bounded.sh STEP SOURCE SECONDS RERUN COMMAND [ARG...]
#
# On success it exits 0. When COMMAND runs longer than SECONDS it is stopped (killed 10 s
# later) and one line names the step, the source it was waiting for and how to rerun it;
# when it fails, one line names the step, its exit status and how to rerun it. The exit
# status is COMMAND's (124 on expiry).
set -u
if [ "$#" -lt 5 ]; then
    echo "usage: sh replication/bounded.sh STEP SOURCE SECONDS RERUN COMMAND [ARG...]" >&2
    exit 2
fi
step=$1 source=$2 seconds=$3 rerun=$4
shift 4
timeout --kill-after=10 "$seconds" "$@"
status=$?
if [ "$status" -eq 0 ]; then
    exit 0
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "carbongap: step '$step' timed out after $seconds s waiting for $source; check the network (or proxy) and rerun: $rerun" >&2
else
    echo "carbongap: step '$step' failed (exit $status; it needs $source); rerun: $rerun" >&2
fi
exit "$status"

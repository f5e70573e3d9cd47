#!/usr/bin/env bash
# capture.sh: record a workload with bpftrace-iov.bt, safely.
#
#   sudo traces/capture/capture.sh -o cap.txt [-c COMM] [-p] -- CMD [ARGS...]
#   sudo traces/capture/capture.sh -o cap.txt [-c COMM] [-p]     # until Ctrl-C
#
# - mounts tracefs at /sys/kernel/tracing when it is not mounted (bpftrace only
#   says "tracepoint not found" otherwise);
# - starts bpftrace and waits until every probe is attached, which bpftrace
#   itself reports (__BPFTRACE_NOTIFY_PROBES_ATTACHED), however long the
#   compile takes (up to a minute on a loaded machine; TIMEOUT, default 600 s);
#   prints "capture.sh: ready" on stderr then;
# - runs CMD (if given), then stops bpftrace with SIGINT so it flushes, and
#   writes the capture (without bpftrace's own chatter) to the -o file.
#
# -c COMM keeps only tasks whose comm (first 15 bytes of the program name) is
# COMM, filtered in the kernel: on a busy machine this is what keeps the
# overhead small. Without -c every task except bpftrace is recorded.
# -p also records the page frames behind the buffers (pfns lines): after each
# buffer call the process is stopped (SIGSTOP) until pagemap.py has read
# /proc/PID/pagemap, then continued (SIGCONT). Slower (a few ms per call) and the
# traced program's parent sees SIGCHLD for each stop; needs python3.
# Exit status: CMD's, or 2 when the capture could not start.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="" comm="" pfns="" timeout=${TIMEOUT:-600}
usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" >&2; exit 2; }
while getopts "o:c:ph" opt; do
	case $opt in
	o) out=$OPTARG ;;
	c) comm=$OPTARG ;;
	p) pfns=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
[[ -n $out ]] || usage
[[ $(id -u) == 0 ]] || { echo "capture.sh: needs root (bpftrace attaches to tracepoints)" >&2; exit 2; }
command -v bpftrace >/dev/null || { echo "capture.sh: bpftrace not found (apt-get install -y bpftrace)" >&2; exit 2; }

if [[ ! -d /sys/kernel/tracing/events ]]; then
	mount -t tracefs nodev /sys/kernel/tracing ||
		{ echo "capture.sh: cannot mount tracefs at /sys/kernel/tracing" >&2; exit 2; }
fi
[[ -d /sys/kernel/tracing/events/syscalls ]] ||
	{ echo "capture.sh: no syscall tracepoints (the kernel needs CONFIG_FTRACE_SYSCALLS=y)" >&2; exit 2; }

raw=$(mktemp "${out}.raw.XXXXXX")
err=$(mktemp "${out}.err.XXXXXX")
btpid="" pmpid="" tmpdir=""
cleanup() {
	[[ -n $btpid ]] && kill -INT "$btpid" 2>/dev/null && wait "$btpid" 2>/dev/null
	[[ -n $pmpid ]] && wait "$pmpid" 2>/dev/null
	rm -f "$raw" "$err"
	[[ -n $tmpdir ]] && rm -rf "$tmpdir"
}
trap cleanup EXIT
trap 'echo "capture.sh: interrupted" >&2; exit 130' INT TERM

if [[ -n $pfns ]]; then
	command -v python3 >/dev/null || { echo "capture.sh: -p needs python3" >&2; exit 2; }
	tmpdir=$(mktemp -d /tmp/itertrace-capture.XXXXXX)
	cat "$here/bpftrace-iov.bt" "$here/bpftrace-pfns.bt" >"$tmpdir/iov-pfns.bt"
	mkfifo "$tmpdir/fifo"
	python3 "$here/pagemap.py" <"$tmpdir/fifo" >"$raw" &
	pmpid=$!
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 bpftrace --unsafe -q "$tmpdir/iov-pfns.bt" "$comm" \
		>"$tmpdir/fifo" 2>"$err" &
	btpid=$!
else
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 bpftrace -q "$here/bpftrace-iov.bt" "$comm" >"$raw" 2>"$err" &
	btpid=$!
fi
start=$SECONDS
# bpftrace 0.17 prints the notice on stderr, later releases on stdout
until grep -qs '^__BPFTRACE_NOTIFY_PROBES_ATTACHED' "$raw" "$err"; do
	if ! kill -0 "$btpid" 2>/dev/null; then
		echo "capture.sh: bpftrace failed:" >&2
		grep -v RLIMIT_MEMLOCK "$err" >&2 || true
		btpid=""
		exit 2
	fi
	if ((SECONDS - start > timeout)); then
		echo "capture.sh: bpftrace did not attach within ${timeout} s (TIMEOUT=...)" >&2
		exit 2
	fi
	sleep 0.2
done
echo "capture.sh: ready after $((SECONDS - start)) s" >&2

status=0
if (($#)); then
	"$@" || status=$?
	sleep 0.5 # let the last events drain from the per-CPU buffers
else
	trap 'true' INT
	wait "$btpid" || true
fi
# bpftrace 0.17 has been seen to stay in its poll loop after SIGINT: escalate to SIGTERM,
# then SIGKILL (the capture written so far is kept either way)
stop() {
	kill -"$1" "$btpid" 2>/dev/null || return 0
	for _ in $(seq 1 "$2"); do
		kill -0 "$btpid" 2>/dev/null || return 0
		sleep 0.5
	done
	return 1
}
stop INT 20 || { echo "capture.sh: bpftrace ignored SIGINT, sending SIGTERM" >&2; stop TERM 10; } ||
	{ echo "capture.sh: bpftrace ignored SIGTERM, sending SIGKILL" >&2; kill -KILL "$btpid" 2>/dev/null; }
wait "$btpid" 2>/dev/null || true
btpid=""
if [[ -n $pmpid ]]; then
	wait "$pmpid" 2>/dev/null || true
	pmpid=""
fi
grep -v '^__BPFTRACE_NOTIFY_PROBES_ATTACHED' "$raw" | grep -v '^$' >"$out"
echo "capture.sh: wrote $out ($(grep -vc '^#' "$out") events)" >&2
exit "$status"

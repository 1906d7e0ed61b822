#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the nat64 selftests; as root, in a throwaway machine (scripts/vm):
# they load and unload the module.
#
# Usage: tests/selftests/run.sh [TEST...]     (TEST: ctl or ctl.sh)
#
# Runs every tests/selftests/*.sh but lib.sh and run.sh (or the ones
# named), in order, each with a time limit of SELFTEST_TIMEOUT seconds
# (default 600), and prints TAP: one line per test, its own output
# indented under "# " before it. Then the module must unload, no
# namespace may be left, and the kernel log since the start must hold no
# splat (WARNING, BUG, Oops, leak and lockup reports...), else the last
# line fails. On a kernel with kmemleak (scripts/debug-kernel's) its list
# is cleared first and, after the module is unloaded, two scans must find
# no leak either. Exit 0 if every test passed or was skipped.

dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2034 # read by lib.sh (not exported: tests must not see it)
NAT64_LIB_ONLY=1
# shellcheck source=lib.sh
. "$dir/lib.sh"
cd "$dir" || exit 1
limit=${SELFTEST_TIMEOUT:-600}

tests=()
for t in "$@"; do
	t=${t%.sh}.sh
	[ -e "$t" ] || { echo "run.sh: no test $t" >&2; exit 2; }
	tests+=("$t")
done
if [ ${#tests[@]} = 0 ]; then
	for t in *.sh; do
		case $t in lib.sh|run.sh) ;; *) tests+=("$t") ;; esac
	done
fi
# module_load first, where named: it loads the module into a kernel that
# has loaded nothing for it yet, as on a freshly booted router.
for i in "${!tests[@]}"; do
	if [ "${tests[i]}" = module_load.sh ]; then
		unset 'tests[i]'
		tests=(module_load.sh "${tests[@]}")
		break
	fi
done

echo "TAP version 13"
echo "1..$((${#tests[@]} + 1))"
if [ "$(id -u)" != 0 ]; then
	echo "Bail out! run.sh needs root (run it in scripts/vm)"
	exit 1
fi
for f in "$NAT64_KO" "$NAT64CTL"; do
	if [ ! -e "$f" ]; then
		echo "Bail out! $f missing (make; make modules-all)"
		exit 1
	fi
done
echo "# kernel $(uname -r), module $NAT64_KO"
[ "${NAT64_FASTPATH:-0}" = 1 ] &&
	echo "# NAT64_FASTPATH=1: the standard topology's translator has the fast path on"

kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || kmemleak=""
if [ -n "$kmemleak" ]; then
	echo "# kmemleak on: leaks are looked for at the end"
	echo clear > "$kmemleak"
fi
mark=nat64-selftests-start-$$
echo "$mark" > /dev/kmsg
out=$(mktemp)
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# $t"
	start=$(date +%s)
	# Output to a file, followed as it grows: a helper a test leaves
	# running must not hold the run up by keeping a pipe open.
	# deb.sh has DKMS build the module in the guest: emulated, that
	# takes 10 to 30 minutes on a loaded machine.
	tlimit=$limit
	[ "$t" = deb.sh ] && [ "$limit" -lt 2700 ] && tlimit=2700
	timeout -k 10 "$tlimit" bash "./$t" > "$out" 2>&1 &
	pid=$!
	tail -n +1 -s 0.2 -f --pid=$pid "$out" | sed -u 's/^/#   /'
	wait $pid
	rc=$?
	secs=$(( $(date +%s) - start ))
	# Every namespace a test makes must be gone when it ends.
	left=$(ip netns list | awk '{ print $1 }')
	if [ -n "$left" ]; then
		echo "#   namespaces left behind: $left"
		echo "$left" | xargs -r -n1 ip netns del
		case $rc in 0|4) rc=99 ;; esac
	fi
	case $rc in
	0) echo "ok $n ${t%.sh} # ${secs}s" ;;
	4) echo "ok $n ${t%.sh} # SKIP" ;;
	124|137) echo "not ok $n ${t%.sh} # TIMEOUT after ${tlimit}s"; failed=1 ;;
	99) echo "not ok $n ${t%.sh} # left namespaces behind"; failed=1 ;;
	*) echo "not ok $n ${t%.sh} # exit $rc, ${secs}s"; failed=1 ;;
	esac
done
rm -f "$out"

# The module must come out (namespace teardown is asynchronous: wait).
n=$((n + 1))
nat64_loaded && busywait 20000 nat64_unload 2>/dev/null
leaks=""
if [ -n "$kmemleak" ]; then
	# kmemleak reports nothing younger than 5 s, and an object freed
	# after an RCU grace period may look leaked in one scan: two scans,
	# the second past the age limit.
	echo scan > "$kmemleak"
	sleep 6
	echo scan > "$kmemleak"
	leaks=$(cat "$kmemleak")
fi
splat=$(dmesg | sed -n "/$mark\$/,\$p" | kmsg_unfaulted | grep -E "$KMSG_BAD")
if nat64_loaded; then
	echo "# rmmod nat64 failed: $(rmmod nat64 2>&1)"
	echo "not ok $n module unloads, kernel log clean # rmmod failed"
	failed=1
elif [ -n "$splat" ]; then
	dmesg | sed -n "/$mark\$/,\$p" | sed 's/^/# /'
	[ -n "$leaks" ] && printf '%s\n' "$leaks" | sed 's/^/# /'
	echo "not ok $n module unloads, kernel log clean # splat in the kernel log"
	failed=1
elif [ -n "$leaks" ]; then
	printf '%s\n' "$leaks" | sed 's/^/# /'
	echo "not ok $n module unloads, kernel log clean # kmemleak: leaks"
	failed=1
else
	echo "ok $n module unloads, kernel log clean"
fi
exit $failed

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside the VM: every selftest (or those named) in order, as TAP,
# then the module must unload and the kernel log hold no splat.
# Usage: tests/selftests/run.sh [TEST.sh...]
dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir" || exit 1
tests=("$@")
if [ ${#tests[@]} = 0 ]; then
	for t in *.sh; do
		case $t in lib.sh|run.sh) ;; *) tests+=("$t") ;; esac
	done
fi
[ ${#tests[@]} -gt 0 ] || { echo "not ok 1 no tests found"; exit 1; }

echo "nat64-selftests-start" > /dev/kmsg
echo "TAP version 13"
echo "1..$((${#tests[@]} + 1))"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# $t"
	# To a file, not a pipe: a stray background process of a test must
	# not hold the run up.
	timeout -k 10 600 bash "./$t" > /tmp/selftest.out 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/selftest.out
	case $rc in
	0) echo "ok $n $t" ;;
	4) echo "ok $n $t # SKIP" ;;
	*) echo "not ok $n $t # exit $rc"; failed=1 ;;
	esac
done

n=$((n + 1))
grep -q '^nat64 ' /proc/modules && rmmod nat64
splat=$(dmesg | sed -n '/nat64-selftests-start/,$p' |
	grep -E 'WARNING:|BUG:|Oops|KASAN|kmemleak|general protection|RCU stall|refcount_t|unregister_netdevice: waiting|Call Trace|list_add corruption|list_del corruption')
if grep -q '^nat64 ' /proc/modules || [ -n "$splat" ]; then
	echo "$splat" | sed 's/^/# /'
	echo "not ok $n module unloads, kernel log clean"
	failed=1
else
	echo "ok $n module unloads, kernel log clean"
fi
exit $failed

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A namespace holding mappings is deleted; the module then unloads, with
# nothing left behind and nothing in the kernel log.
. "$(dirname "$0")/lib.sh"

nat64_load
kmsg_mark teardown
topo_up || { fail "topology"; finish; }
x6 ping -c 2 -i 0.2 -W 5 64:ff9b::192.0.2.2 >/dev/null
for p in 1 2 3 4 5; do
	echo x | x6 socat -u - UDP6:[64:ff9b::192.0.2.2]:$((9000 + p))
done
check "mappings made" [ "$(ctl mapping show | wc -l)" -ge 6 ]
ip netns del "$XL"
check "namespace gone" sh -c "! ip netns list | grep -q $XL"
# Namespace cleanup is asynchronous: wait for the module to be free.
check "module unloads" busywait 20000 rmmod nat64
check "nothing of ours left" [ -z "$(leftovers | grep -v -e "$V6" -e "$V4")" ]
refute "kernel log clean" kmsg_bad teardown
nat64_load
finish

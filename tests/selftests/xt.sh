#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The NAT64 xtables target, through the standard topology (lib.sh). In
# `set mode target` the module's hooks are gone: nothing is translated
# until ip6tables/iptables rules in the mangle table's PREROUTING send the
# packets of each side to -j NAT64. Under iptables-legacy and then
# iptables-nft: the IPv6 rule alone gets requests out but no answer back;
# with the IPv4 rule too, ping and UDP work and the rules count packets;
# without the rules, nothing again. The target is refused outside
# mangle/PREROUTING, a bogus mode by nat64ctl; `set mode hooks` brings
# the hooks back. The target is its own module, xt_NAT64.ko: on Debian's
# kernels it is installed in the guest's /lib/modules with a module
# index that names it, and the first -j NAT64 must load it by its alias,
# as on a router with the package installed; on the debug kernel it is
# insmod'ed. It is unloaded and uninstalled at the end.
. "$(dirname "$0")/lib.sh"

require_cmd ping ss
nat64_load
kmsg_mark xt
xt_unload() { xt_loaded && busywait 20000 rmmod xt_NAT64 2>/dev/null; }
cleanup_hooks+=(xt_unload)
if [ ! -e "$NAT64_XT_KO" ]; then
	fail "xt_NAT64.ko built beside nat64.ko (make modules-all)"
	finish
fi
modalias=$(modinfo -F alias "$NAT64_XT_KO" | sort | tr '\n' ' ')
check "xt_NAT64.ko: aliases ip6t_NAT64 and ipt_NAT64 ($modalias)" \
	[ "$modalias" = "ip6t_NAT64 ipt_NAT64 " ]
xt_autoload=0
moddir=/lib/modules/$(uname -r)
# Installed as a package would: xt_NAT64.ko in updates/nat64/ and the
# module index made again with it (scripts/selftest ran depmod on the
# host: $NAT64_MODDEP). The index is put back at the end. nat64.ko
# itself is not installed: other tests see it not loaded (ctl.sh).
xt_uninstall() {
	[ -d "$TMPD/moddep.orig" ] || return 0
	cp "$TMPD"/moddep.orig/modules.* "$moddir/" && rm -rf "$moddir/updates/nat64"
}
if xt_loaded; then
	note "xt_NAT64 loaded already"
elif [ -n "${NAT64_MODDEP:-}" ] && [ -e "$NAT64_MODDEP/modules.dep" ] &&
	mkdir -p "$TMPD/moddep.orig" "$moddir/updates/nat64" 2>/dev/null &&
	cp "$moddir"/modules.* "$TMPD/moddep.orig/"; then
	cleanup_hooks+=(xt_uninstall)
	check "xt_NAT64.ko installed, with the module index depmod made" sh -c "
		cp '$NAT64_MODDEP'/updates/nat64/xt_NAT64.ko '$moddir/updates/nat64/' &&
		cp '$NAT64_MODDEP'/modules.* '$moddir/'"
	xt_autoload=1
else
	note "no module index made for xt_NAT64 here: insmod'ed"
	modprobe x_tables
	check "insmod xt_NAT64.ko" insmod "$NAT64_XT_KO"
fi
topo_up || { fail "topology"; finish; }

# iptables finds libxt_NAT64.so in usr/ (the system's directory is
# read-only in the VM), its own extensions in the usual place.
sysxt=$(pkg-config --variable=xtlibdir xtables 2>/dev/null)
export XTABLES_LIBDIR=$TOP/usr:${sysxt:-/usr/lib/x86_64-linux-gnu/xtables}
if [ ! -e "$TOP/usr/libxt_NAT64.so" ]; then
	fail "usr/libxt_NAT64.so built (make nat64ctl)"
	finish
fi

pings() { x6 ping -q -c "${2:-1}" -i 0.2 -W "${1:-5}" 64:ff9b:1::192.0.2.2 >/dev/null 2>&1; }
no_ping() { ! x6 ping -q -c 1 -W 1 64:ff9b:1::192.0.2.2 >/dev/null 2>&1; }

# UDP: the v4 host echoes each datagram back.
udp_echo() {
	local reply
	# shellcheck disable=SC2016 # expanded by that shell
	reply=$(x6 bash -c 'exec 3<>/dev/udp/64:ff9b:1::192.0.2.2/5353 &&
		echo "$0" >&3 && timeout 5 dd bs=64k count=1 status=none <&3' "$1")
	[ "$reply" = "$1" ] && return 0
	note "udp reply: '$reply'"
	return 1
}
x4 "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
' &
listening "$V4" udp 5353

# The packets a chain's NAT64 rule counted: rule_pkts IPT CHAIN
rule_pkts() {
	X "$1" -t mangle -L "$2" -v -n -x 2>/dev/null |
		awk '$3 == "NAT64" { print $1; exit }'
}

check "hooks mode (default): ping translates" pings 5
match "show: mode hooks" '^ *(set )?mode hooks$' "$(ctl show)"

# NAT64_FASTPATH=1 (topo_up put it on): target mode takes none.
fastpath_off
check "set mode target" ctl set mode target
match "show: mode target" '^ *(set )?mode target$' "$(ctl show)"
xlated=$(counter 6to4-packets)
check "target mode, no xtables rule: no translation" no_ping
check "... 6to4-packets unchanged" [ "$(counter 6to4-packets)" = "$xlated" ]

out=$(ctl set mode bogus 2>&1)
rc=$?
check "set mode bogus refused" [ $rc != 0 ]
match "... saying why" "invalid mode 'bogus' \\(hooks or target\\)" "$out"
match "mode unchanged" '^ *(set )?mode target$' "$(ctl show)"

for v in legacy nft; do
	ip6t=ip6tables-$v ip4t=iptables-$v
	if ! command -v "$ip6t" >/dev/null || ! command -v "$ip4t" >/dev/null; then
		skip "iptables-$v: not installed"
		continue
	fi
	# The guest loads no module on demand.
	if [ $v = legacy ]; then
		mods="ip_tables ip6_tables iptable_mangle ip6table_mangle
			iptable_raw iptable_filter ip6table_filter"
	else
		mods="nfnetlink nf_tables nft_compat"
	fi
	# shellcheck disable=SC2086 # a list of names
	if ! modprobe -a $mods 2>/dev/null; then
		skip "iptables-$v: modules missing ($mods)"
		continue
	fi
	# A table of the other flavour left in the namespace only warns.
	check "$v: ip6tables -j NAT64 on the IPv6 side" \
		X "$ip6t" -w -t mangle -A PREROUTING -i x6 -j NAT64
	if [ $xt_autoload = 1 ]; then
		check "$v: ... loaded xt_NAT64 by its alias" xt_loaded
		xt_autoload=2
	fi
	xlated=$(counter 6to4-packets)
	check "$v: IPv6 rule alone: requests translated, no answer back" no_ping
	check "$v: ... 6to4-packets moved" [ "$(counter 6to4-packets)" -gt "$xlated" ]
	check "$v: iptables -j NAT64 on the IPv4 side" \
		X "$ip4t" -w -t mangle -A PREROUTING -i x4 -j NAT64
	check "$v: ping through the target" pings 5 3
	check "$v: udp through the target" udp_echo "hello-$v"
	check "$v: the IPv6 rule counted packets" [ "$(rule_pkts "$ip6t" PREROUTING)" -gt 0 ]
	check "$v: the IPv4 rule counted packets" [ "$(rule_pkts "$ip4t" PREROUTING)" -gt 0 ]
	match "$v: ip6tables -S shows the rule" '^-A PREROUTING -i x6 -j NAT64$' \
		"$(X "$ip6t" -w -t mangle -S PREROUTING)"

	refute "$v: -j NAT64 refused in the filter table" \
		X "$ip6t" -w -t filter -A INPUT -j NAT64
	refute "$v: -j NAT64 refused in mangle INPUT" \
		X "$ip6t" -w -t mangle -A INPUT -j NAT64
	refute "$v: -j NAT64 refused in mangle POSTROUTING (IPv4)" \
		X "$ip4t" -w -t mangle -A POSTROUTING -j NAT64
	refute "$v: -j NAT64 refused in the raw table (IPv4)" \
		X "$ip4t" -w -t raw -A PREROUTING -j NAT64
	refute "$v: -j NAT64 takes no options" \
		X "$ip6t" -w -t mangle -A PREROUTING -j NAT64 --to 1
	check "$v: only the two rules were added" [ "$(X "$ip6t" -w -t mangle -S | grep -c NAT64)$(X "$ip4t" -w -t mangle -S | grep -c NAT64)" = 11 ]

	# Connection tracking on in the namespace: it sees the packets
	# before the target (the hooks come before it).
	# shellcheck disable=SC2086 # a list of names
	if modprobe -a nf_conntrack xt_conntrack nft_ct 2>/dev/null &&
		X "$ip6t" -w -A FORWARD -m conntrack --ctstate INVALID -j DROP &&
		X "$ip4t" -w -A FORWARD -m conntrack --ctstate INVALID -j DROP; then
		check "$v: with conntrack on, ping through the target" pings 5 2
		check "$v: with conntrack on, udp through the target" \
			udp_echo "ct-$v"
		X "$ip6t" -w -D FORWARD -m conntrack --ctstate INVALID -j DROP
		X "$ip4t" -w -D FORWARD -m conntrack --ctstate INVALID -j DROP
	else
		skip "$v: with conntrack on (no conntrack match)"
	fi

	check "$v: delete the rules" sh -c \
		"ip netns exec $XL $ip6t -w -t mangle -D PREROUTING -i x6 -j NAT64 &&
		 ip netns exec $XL $ip4t -w -t mangle -D PREROUTING -i x4 -j NAT64"
	xlated=$(counter 6to4-packets)
	check "$v: without the rules, no translation" no_ping
	check "$v: ... 6to4-packets unchanged" [ "$(counter 6to4-packets)" = "$xlated" ]
done

# Rules in place while the mode goes back to hooks: the hooks translate
# (before the mangle table), the target lets the rest go on.
if command -v ip6tables-nft >/dev/null; then
	X ip6tables-nft -w -t mangle -A PREROUTING -i x6 -j NAT64
fi
check "set mode hooks" ctl set mode hooks
match "show: mode hooks again" '^ *(set )?mode hooks$' "$(ctl show)"
check "hooks mode: ping translates again" pings 5 3
check "hooks mode: udp translates again" udp_echo hello-hooks
check "set mode hooks twice: no change, no error" ctl set mode hooks

# Switching with no rule: nothing to register; a rule added in target
# mode registers no hooks, the mode back to hooks does.
check "rule del r1" ctl rule del r1
check "set mode target, no rule" ctl set mode target
check "rule add r1 in target mode" ctl rule add r1 prefix 64:ff9b:1::/96 pool p1
check "... no translation (hooks not registered)" no_ping
check "set mode hooks with the rule: hooks registered" ctl set mode hooks
check "... ping translates" pings 5

# The namespace goes away in target mode, with rules of both flavours
# holding its reassembly and traffic through them just before.
check "set mode target for the teardown" ctl set mode target
added=0
for v in legacy nft; do
	if X "ip6tables-$v" -w -t mangle -A PREROUTING -i x6 -j NAT64 2>/dev/null &&
		X "iptables-$v" -w -t mangle -A PREROUTING -i x4 -j NAT64 2>/dev/null; then
		added=1
	fi
done
[ $added = 1 ] && check "... ping through the target" pings 5
topo_cleanup
check "namespaces gone" [ -z "$(leftovers)" ]

check_kernel_log xt
finish

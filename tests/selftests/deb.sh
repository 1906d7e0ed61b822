#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of make deb (build/deb/): nat64-dkms and nat64-tools
# install with dpkg; DKMS builds nat64.ko and xt_NAT64.ko for the running
# kernel and modprobe loads them; the commands of the installed
# nat64.service, as its unit file has them, apply the shipped
# /etc/nat64.conf (nothing configured) and then a written one (nat64ctl
# show prints it) and flush it; dpkg --purge leaves none of the packages'
# files, no DKMS tree and no module behind.
#
# dpkg works on the guest's writable layer over the host's root: all this
# is gone at power-off. SKIP without the .debs (make deb) or without the
# running kernel's headers (the debug kernel's modules directory has
# none: DKMS cannot build there).
#
# Not in the default run: DKMS compiles the module inside the emulated
# guest, 10 to 30 minutes. make test-deb runs it (NAT64_TEST_DEB=1).
. "$(dirname "$0")/lib.sh"

kver=$(uname -r)
shopt -s nullglob
dkms_deb=("$TOP"/build/deb/nat64-dkms_*_all.deb)
tools_deb=("$TOP"/build/deb/nat64-tools_*_*.deb)
shopt -u nullglob
if [ "${NAT64_TEST_DEB:-0}" != 1 ]; then
	echo "# SKIP: DKMS builds in the emulated guest for 10-30 minutes: make test-deb (NAT64_TEST_DEB=1) runs it"
	exit $KSFT_SKIP
fi
if [ ${#dkms_deb[@]} != 1 ] || [ ${#tools_deb[@]} != 1 ]; then
	echo "# SKIP: build/deb/nat64-dkms_*.deb and nat64-tools_*.deb missing (make deb)"
	exit $KSFT_SKIP
fi
if [ ! -e "/lib/modules/$kver/build/Makefile" ]; then
	echo "# SKIP: no headers for $kver (/lib/modules/$kver/build): DKMS cannot build for it"
	exit $KSFT_SKIP
fi
require_cmd dpkg dkms modprobe
for p in nat64-dkms nat64-tools; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$'; then
		echo "# FAIL: $p is installed already: this test wants a system without it"
		exit $KSFT_FAIL
	fi
done
if [ -e /var/lib/dkms/nat64 ]; then
	echo "# FAIL: /var/lib/dkms/nat64 exists already (dkms remove nat64 --all)"
	exit $KSFT_FAIL
fi

# The module under test is the one DKMS builds: unload what an earlier
# test loaded (it comes back from build/ with the next test's insmod).
if nat64_loaded; then
	check "unload the module an earlier test loaded" nat64_unload
fi

# DKMS's postinst builds for the running kernel and for the newest one
# under /boot (both have headers here, and both would build); here only
# the running one, for time: the guest emulates its CPU. /boot over a
# tmpfs with this kernel's config alone, for the length of the test.
boot=$TMPD/boot
mkdir -p "$boot"
cp "/boot/config-$kver" "$boot/" 2>/dev/null
mount --bind "$boot" /boot
unmount_boot() { umount /boot 2>/dev/null; }
purge_left() {	# whatever the test did not get to purge
	dpkg --purge nat64-tools nat64-dkms > /dev/null 2>&1
	return 0
}
cleanup_hooks+=(purge_left unmount_boot)

kmsg_mark deb
# No questions (dkms's postinst sources debconf; nobody answers here).
export DEBIAN_FRONTEND=noninteractive
# Its output as it comes: DKMS's build takes minutes in the guest.
note "dpkg -i ${dkms_deb[0]##*/} ${tools_deb[0]##*/}"
dpkg -i "${dkms_deb[0]}" "${tools_deb[0]}" 2>&1 | sed -u 's/^/#     /'
check "dpkg -i ${dkms_deb[0]##*/} ${tools_deb[0]##*/}" test "${PIPESTATUS[0]}" = 0
for p in nat64-dkms nat64-tools; do
	match "$p installed" 'install ok installed' \
		"$(dpkg-query -W -f='${Status}' "$p" 2>&1)"
done
# The kernel's version as a regular expression: Debian's 6.12 is
# 6.12.95+deb12-amd64, and its "+" is not a quantifier.
kre=${kver//./\\.} kre=${kre//+/\\+}
match "dkms status: nat64 installed for $kver" "^nat64/[^,]*, $kre, [^:]*: installed" \
	"$(dkms status -m nat64 2>&1)"
upd=/lib/modules/$kver/updates/dkms
for m in nat64 xt_NAT64; do
	ko=$(modinfo -n "$m" 2>/dev/null)
	match "modprobe finds $m under $upd" "^/lib/modules/$kre/updates/dkms/$m\\.ko" "$ko"
done

# The packaged unit, its commands as its file has them (no systemd in
# the guest). run_unit KEY...: each command of those keys, in order; a
# leading - (failure ignored) is honoured, other prefixes dropped.
unit=$(dpkg -L nat64-tools | grep '/systemd/system/nat64\.service$')
check "nat64-tools has nat64.service ($unit)" test -f "$unit"
conf=$(sed -n 's/^ConditionPathExists=//p' "$unit")
match "the unit applies /etc/nat64.conf" "nat64ctl -f /etc/nat64\\.conf\$" \
	"$(grep '^ExecStart=' "$unit")"
run_unit() {
	local key line cmd ign argv
	for key; do
		while IFS= read -r line; do
			[ -z "$line" ] && continue
			cmd=${line#"$key="} ign=0
			while [[ $cmd == [-@+!:]* ]]; do
				[[ $cmd == -* ]] && ign=1
				cmd=${cmd:1}
			done
			note "$key: $cmd"
			read -ra argv <<< "$cmd"
			"${argv[@]}" 2>&1 | sed 's/^/#     /'
			[ "${PIPESTATUS[0]}" = 0 ] || [ "$ign" = 1 ] || return 1
		done <<< "$(grep "^$key=" "$unit")"
	done
}
ctl_show() { /usr/sbin/nat64ctl show 2>&1; }

# As shipped: /etc/nat64.conf is a conffile that configures nothing.
match "/etc/nat64.conf is a conffile" '^ /etc/nat64\.conf ' \
	"$(dpkg-query -W -f='${Conffiles}\n' nat64-tools)"
check "the unit's condition holds: $conf exists" test -e "$conf"
refute "the shipped /etc/nat64.conf holds no command" grep -qv '^[[:space:]]*\(#\|$\)' /etc/nat64.conf
check "start (ExecStartPre, ExecStart) with the shipped /etc/nat64.conf" \
	run_unit ExecStartPre ExecStart
check "it loaded nat64" nat64_loaded
# srcversion: a hash of the module's sources, the same for both only if
# the loaded module is the file modprobe finds.
same_module() {
	local loaded file
	loaded=$(cat "/sys/module/$1/srcversion") && file=$(modinfo -F srcversion "$1") &&
		[ -n "$loaded" ] && [ "$loaded" = "$file" ] &&
		[[ $(modinfo -n "$1") == "$upd"/* ]]
}
check "the loaded nat64 is DKMS's" same_module nat64
show=$(ctl_show)
note "nat64ctl show:" "$show"
match "show answers" '^flush$' "$show"
refute "nothing configured: no pool, no rule" grep -qE '^(pool|rule) ' <<< "$show"
check "stop (ExecStop)" run_unit ExecStop

# A configuration of the administrator's.
cat > /etc/nat64.conf <<'EOF'
# the administrator's
flush
pool add p1 198.51.100.0/30 ports 2000-2999
rule add r1 prefix 64:ff9b::/96 pool p1
set timeout udp 123
EOF
check "unload nat64 (ExecStartPre loads it)" nat64_unload
check "start (ExecStartPre, ExecStart) with a written /etc/nat64.conf" \
	run_unit ExecStartPre ExecStart
check "it loaded nat64" nat64_loaded
show=$(ctl_show)
note "nat64ctl show:" "$show"
match "show: the pool" '^pool add p1 198\.51\.100\.0/30 ports 2000-2999$' "$show"
match "show: the rule" '^rule add r1 prefix 64:ff9b::/96 pool p1$' "$show"
match "show: the timeout" '^set timeout udp 123$' "$show"
# Applied again by reload, with a rule more.
echo "rule add r2 prefix 2001:db8:64::/96 pool p1" >> /etc/nat64.conf
check "reload (ExecReload)" run_unit ExecReload
show=$(ctl_show)
match "show after reload: the rule added" '^rule add r2 prefix 2001:db8:64::/96 pool p1$' "$show"
match "show after reload: the first rule still" '^rule add r1 prefix' "$show"
check "stop (ExecStop)" run_unit ExecStop
show=$(ctl_show)
match "show answers" '^flush$' "$show"
refute "stopped: no pool, no rule" grep -qE '^(pool|rule) ' <<< "$show"

# nat64-logd: its unit, and the packaged daemon on the shipped example
# with a collector added (the module is still loaded).
lunit=$(dpkg -L nat64-tools | grep '/systemd/system/nat64-logd\.service$')
check "nat64-tools has nat64-logd.service ($lunit)" test -f "$lunit"
match "it runs nat64-logd on /etc/nat64/logd.conf" \
	'^ExecStart=/usr/sbin/nat64-logd -c /etc/nat64/logd\.conf$' "$(grep '^ExecStart=' "$lunit")"
ex=/usr/share/doc/nat64-tools/examples/logd.conf
{ cat "$ex"; echo "ipfix 127.0.0.1:4739"; echo "status-file $TMPD/logd.status"; } \
	> "$TMPD/logd.conf"
/usr/sbin/nat64-logd -c "$TMPD/logd.conf" 2> "$TMPD/logd.err" &
logd=$!
check "the packaged nat64-logd runs the example (with a collector)" \
	busywait $((10000 * WAIT)) test -s "$TMPD/logd.status"
logd_stop() { kill "$logd" && wait "$logd"; }
check "and stops on SIGTERM" logd_stop
refute "without a collector it refuses to start" /usr/sbin/nat64-logd -c "$ex"

# nat64-syncd: its unit; the packaged daemon runs with a key, nat64ctl
# reads its status; without its key it refuses to start.
sunit=$(dpkg -L nat64-tools | grep '/systemd/system/nat64-syncd\.service$')
check "nat64-tools has nat64-syncd.service ($sunit)" test -f "$sunit"
match "it runs nat64-syncd on /etc/nat64/syncd.conf" \
	'^ExecStart=/usr/sbin/nat64-syncd -f -c /etc/nat64/syncd\.conf$' "$(grep '^ExecStart=' "$sunit")"
head -c 32 /dev/urandom > "$TMPD/syncd.key"
chmod 600 "$TMPD/syncd.key"
printf 'listen 127.0.0.1 6464\npeer 127.0.0.2\nkey-file %s\nstatus-file %s\npid-file %s\n' \
	"$TMPD/syncd.key" "$TMPD/syncd.status" "$TMPD/syncd.pid" > "$TMPD/syncd.conf"
/usr/sbin/nat64-syncd -f -c "$TMPD/syncd.conf" 2> "$TMPD/syncd.err" &
syncd=$!
check "the packaged nat64-syncd runs" \
	busywait $((10000 * WAIT)) test -s "$TMPD/syncd.status"
check "nat64ctl sync status reads its status" \
	nat64ctl sync status --status-file "$TMPD/syncd.status"
syncd_stop() { kill "$syncd" && wait "$syncd"; }
check "and stops on SIGTERM" syncd_stop
refute "the shipped example without its key file: refused" \
	timeout 20 /usr/sbin/nat64-syncd -f -c /usr/share/doc/nat64-tools/examples/syncd.conf
check "modprobe xt_NAT64 (DKMS's)" modprobe xt_NAT64
check "xt_NAT64 loaded" xt_loaded
check "the loaded xt_NAT64 is DKMS's" same_module xt_NAT64
check "unload xt_NAT64 and nat64" nat64_unload

# Purge: nothing of either package is left.
files=$(dpkg -L nat64-dkms nat64-tools)
built=$(find "/lib/modules/$kver/updates" -name 'nat64.ko*' -o -name 'xt_NAT64.ko*' 2>/dev/null)
note "built by DKMS:" "$built"
dpkg --purge nat64-tools nat64-dkms 2>&1 | sed -u 's/^/#     /'
check "dpkg --purge nat64-tools nat64-dkms" test "${PIPESTATUS[0]}" = 0
for p in nat64-dkms nat64-tools; do
	refute "$p gone from dpkg's database" dpkg-query -W "$p"
done
left=""
n=0
while IFS= read -r f; do
	[ -z "$f" ] && continue
	# Directories other packages share (/usr, /etc...; /lib, a link to
	# /usr/lib on a merged-/usr system) stay.
	[ -d "$f" ] && case $f in /usr/src/nat64-*|*/doc/nat64-*) ;; *) continue ;; esac
	n=$((n + 1))
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <<< "$files"$'\n'"$built"
check "no file of the packages is left ($n checked)" test -z "$left"
[ -n "$left" ] && note "left:$left"
refute "/etc/nat64.conf purged" test -e /etc/nat64.conf
refute "no /var/lib/dkms/nat64" test -e /var/lib/dkms/nat64
match "no nat64 module under /lib/modules/$kver/updates" '^$' \
	"$(find "/lib/modules/$kver/updates" -name 'nat64.ko*' -o -name 'xt_NAT64.ko*' 2>/dev/null)"
refute "modprobe finds no nat64 any more" modprobe -n nat64
refute "modprobe finds no xt_NAT64 any more" modprobe -n xt_NAT64
check_kernel_log deb
finish

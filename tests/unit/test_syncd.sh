#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two nat64-syncd (built with fake_nl.c: no kernel) on 127.0.0.1 and
# 127.0.0.2: handshake both ways, the full resync's records received
# and handed to the "kernel" (which refuses them: no such family), a
# wrong key refused. Prints "N passed, N failed" as the unit tests do.
set -u
bin=./test_syncd_bin
dir=$(mktemp -d)
pass=0
fail=0
p1=
p2=
p3=
# Each daemon writes its status file as it stops: gone before $dir is.
trap 'kill $p1 $p2 $p3 2>/dev/null; wait; rm -rf "$dir"' EXIT

# The exit status of the check before, and its name.
result() {
	if [ "$1" -eq 0 ]; then
		echo "ok $2"
		pass=$((pass + 1))
	else
		echo "FAIL $2"
		fail=$((fail + 1))
	fi
}

num() {
	# The (one) peer's counter $2 in status file $1.
	sed -n "s/.*\"$2\":\([-0-9]*\).*/\1/p" "$1" | head -n 1
}

str() {
	sed -n "s/.*\"$2\":\"\([a-z]*\)\".*/\1/p" "$1" | head -n 1
}

umask 077
printf 'a shared secret of the test\n' > "$dir/key"
printf 'another secret of the test\n' > "$dir/key2"
port=$((20000 + $$ % 20000))
printf '6 2001:db8::1 40000 198.51.100.1 1025 192.0.2.9 443 r1\n' > "$dir/sess"
printf '17 2001:db8::2 5353 198.51.100.1 1026 192.0.2.9 53 r1\n' >> "$dir/sess"
for i in 1 2; do
	o=$((3 - i))
	k=key
	cat > "$dir/$i.conf" <<EOC
listen 127.0.0.$i $port
peer 127.0.0.$o $port
key-file $dir/$k
refresh 1
status-file $dir/$i.status
pid-file $dir/$i.pid
EOC
	FAKE_SESSIONS=$dir/sess $bin -f -c "$dir/$i.conf" 2> "$dir/$i.log" &
	if [ "$i" = 1 ]; then p1=$!; else p2=$!; fi
done
i=0
while [ $i -lt 50 ]; do
	[ -f "$dir/1.status" ] && [ -f "$dir/2.status" ] &&
		[ "$(str "$dir/1.status" in)" = connected ] &&
		[ "$(str "$dir/2.status" in)" = connected ] &&
		[ "$(num "$dir/2.status" refused)" -ge 2 ] && break
	sleep 0.2
	i=$((i + 1))
done
kill -USR1 "$p1" "$p2"
sleep 0.3
[ "$(str "$dir/1.status" out)" = connected ] && [ "$(str "$dir/2.status" out)" = connected ]
result $? "sending connected"
[ "$(str "$dir/1.status" in)" = connected ] && [ "$(str "$dir/2.status" in)" = connected ]
result $? "receiving connected"
# BULK_START, two ADDs, BULK_END at least.
[ "$(num "$dir/2.status" received)" -ge 4 ]
result $? "records received"
[ "$(num "$dir/1.status" resyncs)" -ge 1 ]
result $? "resync counted"
# No nat64 family: the pipelined requests are all answered, refused.
[ "$(num "$dir/2.status" refused)" -ge 2 ] && [ "$(num "$dir/2.status" applied)" -eq 0 ]
result $? "requests answered"
[ "$(num "$dir/1.status" bad)" -eq 0 ] && [ "$(num "$dir/2.status" bad)" -eq 0 ]
result $? "no bad records"
# SIGUSR2: a full resync again.
r=$(num "$dir/1.status" resyncs)
kill -USR2 "$(cat "$dir/1.pid")"
sleep 0.5
kill -USR1 "$p1" "$p2"
sleep 0.3
[ "$(num "$dir/1.status" resyncs)" -gt "$r" ]
result $? "SIGUSR2 resync"
# A third daemon with another key, as 127.0.0.2's peer from 127.0.0.1:
# daemon 1 stops first, so the address is free.
kill "$p1"
p1=
sleep 0.5
sed -e "s|$dir/key|$dir/key2|" -e "s|$dir/1.status|$dir/3.status|" \
	-e "s|$dir/1.pid|$dir/3.pid|" "$dir/1.conf" > "$dir/3.conf"
$bin -f -c "$dir/3.conf" 2> "$dir/3.log" &
p3=$!
sleep 2.5
kill -USR1 "$p2" "$p3" 2>/dev/null
sleep 0.3
[ "$(num "$dir/3.status" bad)" -ge 1 ] && [ "$(str "$dir/3.status" out)" != connected ] &&
	[ "$(str "$dir/2.status" in)" != connected ]
result $? "wrong key refused"
# A group-readable key: refused at start.
chmod 640 "$dir/key"
! $bin -f -c "$dir/2.conf" 2>/dev/null
result $? "readable key refused"
if [ $fail -gt 0 ]; then
	tail -n 5 "$dir"/*.log
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

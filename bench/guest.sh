#!/bin/sh
# Runs every measurement in one kernel (the test-bed guest, or natively)
# and writes bench/results.{csv,json} plus a table on stdout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
VTI_SRCDIR=$top
. "$top/tests/lib/charon.sh"
out=${VTI_RESULTS:-/tmp}
csv="$out/bench.csv"
echo "what,n,per_if_us,total_ms,extra" > "$csv"
SIZES=${VTI_BENCH_SIZES:-1 10 100 1000}
IKE_SIZES=${VTI_BENCH_IKE_SIZES:-10 100}

ms() { date +%s%N; }
row() { echo "$1,$2,$3,$4,${5:-}" >> "$csv"; echo "  $1 n=$2: $3 us per interface (${4} ms in all) ${5:-}"; }
per_if() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.1f", t / 1000 / n }'; }
msec() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 1000000 }'; }

fresh_ns() {
	ip netns del bench-pub 2>/dev/null
	ip netns del bench-priv 2>/dev/null
	ip netns add bench-pub
	ip netns add bench-priv
	ip -n bench-pub link set lo up
	ip -n bench-pub link add wan0 type dummy
	ip -n bench-pub addr add 2001:db8::1/64 dev wan0 nodad
	ip -n bench-pub link set wan0 up
}

echo "== floor: ip -batch, one process per step"
for n in $SIZES; do
	fresh_ns
	b=$(mktemp) c=$(mktemp) d=$(mktemp)
	for i in $(seq 1 $n); do
		printf 'link add vti%d type vti6 local 2001:db8::1 remote 2001:db8:1::%x key %d\nlink set vti%d netns bench-priv\n' $i $i $i $i >> "$b"
		printf 'link set vti%d mtu 1426\naddr add 2001:db8:ff::6/127 dev vti%d\nlink set vti%d up\n' $i $i $i >> "$c"
		printf 'link del vti%d\n' $i >> "$d"
	done
	t0=$(ms)
	ip -n bench-pub -batch "$b"
	ip netns exec bench-priv sh -c 'for i in $(seq 1 '"$n"'); do echo 1 > /proc/sys/net/ipv4/conf/vti$i/disable_policy; done'
	ip -n bench-priv -batch "$c"
	t1=$(ms)
	up=$(ip -n bench-priv -o link show up | grep -c ' vti')
	ip -n bench-priv -batch "$d"
	t2=$(ms)
	row floor_create "$n" "$(per_if $((t1 - t0)) "$n")" "$(msec $((t1 - t0)))" "up=$up"
	row floor_delete "$n" "$(per_if $((t2 - t1)) "$n")" "$(msec $((t2 - t1)))"
	rm -f "$b" "$c" "$d"
done

echo "== ours without IKE: the manager and netlink backend (bench/manager_bench)"
for n in $SIZES; do
	fresh_ns
	line=$(ip netns exec bench-pub "$top/bench/manager_bench" "$n" bench-priv 2>/dev/null | grep '^ours')
	c=$(echo "$line" | sed -n 's/.*create_us_per_if=\([0-9.]*\).*/\1/p')
	d=$(echo "$line" | sed -n 's/.*delete_us_per_if=\([0-9.]*\).*/\1/p')
	h=$(echo "$line" | sed -n 's/.*heap_bytes_per_tunnel=\([0-9]*\).*/\1/p')
	row ours_create "$n" "${c:-nan}" "$(awk -v c="${c:-0}" -v n="$n" 'BEGIN{printf "%.1f", c*n/1000}')" "heap_per_tunnel=${h:-nan}"
	row ours_delete "$n" "${d:-nan}" "$(awk -v c="${d:-0}" -v n="$n" 'BEGIN{printf "%.1f", c*n/1000}')"
done

echo "== updown script, without charon (pure script cost)"
for n in $SIZES; do
	[ "$n" -gt 100 ] && continue
	fresh_ns
	t0=$(ms)
	for i in $(seq 1 $n); do
		BENCH_NETNS=bench-priv PLUTO_VERB=up-client-v6 PLUTO_MARK_IN="$i/0xffffffff" \
			PLUTO_ME=2001:db8::1 PLUTO_PEER=$(printf '2001:db8:1::%x' $i) \
			ip netns exec bench-pub "$top/bench/updown-vti.sh" 2>/dev/null
	done
	t1=$(ms)
	up=$(ip -n bench-priv -o link show up | grep -c ' vti')
	row updown_script "$n" "$(per_if $((t1 - t0)) "$n")" "$(msec $((t1 - t0)))" "up=$up"
done

# one initiator, n responder addresses, a tunnel each; by the plugin or by
# the updown plugin running bench/updown-vti.sh. With how=children: one
# IKE_SA with n CHILD_SAs, an XFRM interface each (if_id k), as VTIs on one
# pair of endpoints cannot be told apart by the kernel.
ike_run() {
	how=$1 n=$2
	fresh_ns
	ip netns del bench-peer 2>/dev/null
	ip netns add bench-peer
	ip -n bench-peer link set lo up
	ip -n bench-pub link del wan0
	ip -n bench-pub link add wan0 type veth peer name wan0 netns bench-peer
	ip -n bench-pub addr add 2001:db8::1/64 dev wan0 nodad
	ip -n bench-pub link set wan0 up
	for i in $(seq 1 $n); do
		printf 'address add %s/64 dev wan0 nodad\n' "$(printf '2001:db8::1:%x' $i)"
	done > /tmp/bench-addrs
	ip -n bench-peer -batch /tmp/bench-addrs
	ip -n bench-peer link set wan0 up
	w=$(mktemp -d)
	if [ "$how" != updown ]; then
		VTI_PLUGIN=$top/.libs/libstrongswan-vti.so
		extra="plugins { vti { netns = bench-priv
			mtu = 1426
			addresses = 2001:db8:ff::6/127 } }
		filelog { vtilog { chd = 3 } }"
	else
		VTI_PLUGIN=
		extra=""
	fi
	charon_conf "$w/init" "$extra"
	VTI_PLUGIN= charon_conf "$w/resp" ""
	charon_start "$w/init" bench-pub && charon_start "$w/resp" bench-peer || return 1
	if [ "$how" = children ]; then
		{
			echo "connections { t {"
			echo "	local_addrs = 2001:db8::1"
			echo "	remote_addrs = 2001:db8::1:1"
			echo "	proposals = aes128gcm16-prfsha256-x25519,aes128gcm16-prfsha256-ecp256"
			echo "	local { auth = psk
		id = init }"
			echo "	remote { auth = psk
		id = resp }"
			echo "	children {"
			for i in $(seq 1 $n); do
				echo "		c$i { local_ts = ::/0
			remote_ts = ::/0
			if_id_in = $i
			if_id_out = $i
			esp_proposals = aes128gcm16
			start_action = start }"
			done
			echo "	}"
			echo "} }"
			echo "secrets { ike { id-1 = init
			id-2 = resp
			secret = bench-secret-bench-secret } }"
		} > "$w/init.conf"
		resp_id="if_id_in = %unique
			if_id_out = %unique"
	else
	{
			echo "connections {"
			for i in $(seq 1 $n); do
				r=$(printf '2001:db8::1:%x' $i)
				cat <<-CONF
		t$i {
			local_addrs = 2001:db8::1
			remote_addrs = $r
			proposals = aes128gcm16-prfsha256-x25519,aes128gcm16-prfsha256-ecp256
			local { auth = psk
				id = init }
			remote { auth = psk
				id = resp }
			children { t$i {
				local_ts = ::/0
				remote_ts = ::/0
				mark_in = $i
				mark_out = $i
				esp_proposals = aes128gcm16
				start_action = start
				$( [ "$how" = updown ] && echo "updown = $top/bench/updown-vti.sh bench-priv" )
			} }
		}
	CONF
			done
			echo "}"
			echo "secrets { ike { id-1 = init
				id-2 = resp
				secret = bench-secret-bench-secret } }"
		} > "$w/init.conf"
		resp_id="mark_in = %unique
			mark_out = %unique"
	fi
	cat > "$w/resp.conf" <<CONF
connections {
	resp {
		remote_addrs = 2001:db8::1
		proposals = aes128gcm16-prfsha256-x25519,aes128gcm16-prfsha256-ecp256
		local { auth = psk
			id = resp }
		remote { auth = psk
			id = init }
		children { resp {
			local_ts = ::/0
			remote_ts = ::/0
			$resp_id
			esp_proposals = aes128gcm16
		} }
	}
}
secrets { ike { id-1 = init
	id-2 = resp
	secret = bench-secret-bench-secret } }
CONF
	swanctl_in "$w/resp" --load-all --noprompt --file "$w/resp.conf" > /dev/null 2>&1
	t0=$(ms)
	BENCH_NETNS=bench-priv swanctl_in "$w/init" --load-all --noprompt --file "$w/init.conf" > /dev/null 2>&1
	end=$(( $(date +%s) + 60 + n ))
	while [ "$(ip -n bench-priv -o link show up 2>/dev/null | grep -c ' \(vti\|xfrm\)[0-9]')" -lt "$n" ] &&
			[ "$(date +%s)" -lt "$end" ]; do
		sleep 0.05
	done
	t1=$(ms)
	up=$(ip -n bench-priv -o link show up | grep -c ' \(vti\|xfrm\)[0-9]')
	extra2="up=$up"
	if [ "$how" != updown ]; then
		# the plugin's own timestamps: event to interface ready
		ev=$(sed -n 's/.*CHILD_SA {[0-9]*} up at \([0-9]*\) us, .* ready at \([0-9]*\) us.*/\1 \2/p' "$w/init/charon.log" |
			awk '{ s += $2 - $1; n++ } END { if (n) printf "%.1f", s / n }')
		extra2="$extra2 event_to_ready_us=${ev:-nan}"
	fi
	row "ike_${how}_up" "$n" "$(per_if $((t1 - t0)) "$n")" "$(msec $((t1 - t0)))" "$extra2"
	t1=$(ms)
	if [ "$how" = children ]; then
		swanctl_in "$w/init" --terminate --ike t --timeout 60 > /dev/null 2>&1
	else
		for i in $(seq 1 $n); do
			swanctl_in "$w/init" --terminate --ike "t$i" --timeout 5 > /dev/null 2>&1
		done
	fi
	end=$(( $(date +%s) + 60 + n ))
	while [ "$(ip -n bench-priv -o link show 2>/dev/null | grep -c ' \(vti\|xfrm\)[0-9]')" -gt 0 ] &&
			[ "$(date +%s)" -lt "$end" ]; do
		sleep 0.05
	done
	t2=$(ms)
	row "ike_${how}_down" "$n" "$(per_if $((t2 - t1)) "$n")" "$(msec $((t2 - t1)))"
	charon_stop "$w/init" > /dev/null
	charon_stop "$w/resp" > /dev/null
	rm -rf "$w"
	ip netns del bench-peer
}

echo "== through charon: n IKE_SAs, a tunnel each; one IKE_SA, n CHILD_SAs"
for n in $IKE_SIZES; do
	ike_run plugin "$n"
	ike_run updown "$n"
	ike_run children "$n"
done
ip netns del bench-pub 2>/dev/null
ip netns del bench-priv 2>/dev/null
echo "results: $csv"

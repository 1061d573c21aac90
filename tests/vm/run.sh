#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots Debian's kernel under qemu with the machine's own root filesystem
# (read-only over 9p, under a tmpfs overlay) and runs COMMAND inside it.
#
#   tests/vm/run.sh [-t SECONDS] [-r RESULTS_DIR] COMMAND [ARGS...]
#
# COMMAND runs as root in the guest with the current directory and the
# VTI_* variables of the caller, and VTI_RESULTS pointing at a writable
# share that is RESULTS_DIR on the host. Its output is streamed; the exit
# status is COMMAND's. A guest that does not finish within SECONDS (default
# 600) is killed and its console shown: it fails, it never hangs the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
timeout=600
results=
while getopts t:r: opt; do
	case $opt in
		t) timeout=$OPTARG ;;
		r) results=$OPTARG ;;
		*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] [-r RESULTS] COMMAND..." >&2; exit 2; }

# one guest at a time on this machine (2 cores, TCG): wait for the one
# running, with a deadline; the lock goes with this process
exec 9> "${VTI_TESTBED_LOCK:-/tmp/vti-testbed.lock}"
if ! flock -n 9; then
	echo "test bed: waiting for the guest running now" >&2
	flock -w "${VTI_TESTBED_WAIT:-3600}" 9 ||
		{ echo "test bed: still busy after ${VTI_TESTBED_WAIT:-3600}s" >&2; exit 1; }
fi

kdir=$("$here/kernel.sh")
kver=$(cat "$kdir/.ready")
[ -n "$results" ] || results=$(mktemp -d /tmp/vti-vm.XXXXXX)
mkdir -p "$results"
results=$(cd "$results" && pwd)
rm -f "$results/exit-status" "$results/job.out" "$results/console.log"

# the initramfs: busybox and the modules that mount the host's root
initrd="$kdir/initrd.cpio.gz"
if [ ! -f "$initrd" ] || [ "$here/init" -nt "$initrd" ]; then
	tmp=$(mktemp -d)
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
	cp /bin/busybox "$tmp/bin/busybox"
	cp "$here/init" "$tmp/init"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
		cp "$ko" "$tmp/modules/"
		basename "$ko" >> "$tmp/modules.order"
	done
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$tmp"
fi

# the job: the caller's directory, VTI_* variables and command
{
	echo "cd '$(pwd)' || exit 125"
	export -p | grep -E '^export VTI_[A-Za-z0-9_]+=' || true
	echo "export VTI_RESULTS=/vti-results VTI_IN_GUEST=1"
	printf 'exec'
	for a in "$@"; do
		printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
} > "$results/job.sh"

accel="tcg -cpu max"
if [ "${VTI_KVM:-no}" = yes ] && [ -w /dev/kvm ]; then
	accel="kvm -cpu host"
fi
# shellcheck disable=SC2086
timeout --kill-after=5 "$timeout" qemu-system-x86_64 -accel $accel \
	-smp "${VTI_VM_CPUS:-2}" -m "${VTI_VM_MEM:-2048}" \
	-nodefaults -display none -no-reboot -serial "file:$results/console.log" \
	-kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=5 softlockup_panic=1 softlockup_all_cpu_backtrace=1 vti.kdir=$kdir vti.guest=$here/guest.sh" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$results,mount_tag=results,security_model=none" \
	> "$results/qemu.out" 2>&1 &
qemu=$!
# stream the job's output while the guest runs
while [ ! -f "$results/job.out" ] && kill -0 $qemu 2>/dev/null; do
	sleep 0.2
done
tail -n +1 -f --pid=$qemu "$results/job.out" 2>/dev/null || true
wait $qemu
qstatus=$?

if [ -f "$results/exit-status" ]; then
	status=$(cat "$results/exit-status")
else
	if [ $qstatus -eq 124 ] || [ $qstatus -eq 137 ]; then
		echo "vm: the guest did not finish within ${timeout}s; its console:" >&2
	else
		echo "vm: the guest stopped without a result (qemu status $qstatus); its console:" >&2
	fi
	tail -n 60 "$results/console.log" >&2
	cat "$results/qemu.out" >&2
	status=1
fi
exit "$status"

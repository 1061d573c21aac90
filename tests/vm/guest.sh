#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the guest, on the host's filesystem: prepares a small system
# (own /run, /dev/pts, loopback) and runs the job the host wrote into the
# results share, then records its exit status and powers off.
results=/vti-results
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
mount -t tmpfs -o mode=755 run /run
mkdir -p /run/netns /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname vti-guest
ip link set lo up
sysctl -qw kernel.printk="3 4 1 3"
echo "vm-guest: kernel $(uname -r) up, running the job"
sh "$results/job.sh" > "$results/job.out" 2>&1
echo $? > "$results/exit-status"
sync
echo o > /proc/sysrq-trigger
sleep 10

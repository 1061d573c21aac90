#!/usr/bin/perl
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# vici-stats.pl SOCKET INTERVAL STOPFILE SECONDS: asks charon's vici for
# "stats" every INTERVAL seconds, over a new connection each time (as
# swanctl --stats does, without its start-up), until STOPFILE exists or
# SECONDS have passed. Prints a line per request: the milliseconds from
# connecting to the whole answer, or "failed" (no connection, no answer
# within 10 s, or an answer other than CMD_RESPONSE).
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use Vici;
use Time::HiRes qw(time sleep);

my ($path, $interval, $stop, $seconds) = @ARGV;
die "usage: $0 SOCKET INTERVAL STOPFILE SECONDS\n" unless defined $seconds;
$| = 1;

# one request: true if charon answered
sub stats {
	my $v = Vici->new($path) or return 0;
	my $ok = defined $v->request('stats');
	$v->close;
	return $ok;
}

my $end = time + $seconds;
while (!-e $stop && time < $end) {
	my $t0 = time;
	my $ok = stats();
	print $ok ? int((time - $t0) * 1000 + 0.5) : 'failed', "\n";
	sleep $interval;
}

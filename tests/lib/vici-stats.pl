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
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(time sleep);

my ($path, $interval, $stop, $seconds) = @ARGV;
die "usage: $0 SOCKET INTERVAL STOPFILE SECONDS\n" unless defined $seconds;
$| = 1;

# read exactly n bytes, undef on end of file or error
sub read_n {
	my ($sock, $n) = @_;
	my $buf = '';
	while (length $buf < $n) {
		my $r = sysread($sock, $buf, $n - length $buf, length $buf);
		return undef unless $r;
	}
	return $buf;
}

# one request: true if charon answered with CMD_RESPONSE (1)
sub stats {
	my $sock = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
		or return 0;
	# CMD_REQUEST (0), the command's name with its length byte, no message
	my $req = pack('C C/a*', 0, 'stats');
	my $ok = 0;
	eval {
		local $SIG{ALRM} = sub { die "timeout\n" };
		alarm 10;
		if (syswrite($sock, pack('N', length $req) . $req)) {
			my $len = read_n($sock, 4);
			my $msg = defined $len ? read_n($sock, unpack('N', $len)) : undef;
			$ok = defined $msg && length $msg && unpack('C', $msg) == 1;
		}
		alarm 0;
	};
	close $sock;
	return $ok;
}

my $end = time + $seconds;
while (!-e $stop && time < $end) {
	my $t0 = time;
	my $ok = stats();
	print $ok ? int((time - $t0) * 1000 + 0.5) : 'failed', "\n";
	sleep $interval;
}

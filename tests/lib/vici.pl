#!/usr/bin/perl
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# vici.pl [-t SECONDS] SOCKET COMMAND [KEY=VALUE...] [-- SOCKET COMMAND ...]:
# sends each request to its charon (a connection each), all of them before
# reading any answer (two rekeys leave at the same moment), then prints a
# line per answer: "SOCKET COMMAND: ok" or "... failed: errmsg". Exit
# status 0 if every answer reports success. A KEY=VALUE whose KEY is
# match-remote-id sends the request once per IKE_SA with that remote
# identity, as ike-id=ITS_UNIQUE_ID (none: nothing is sent, it succeeds).
# Without -t, each answer has 10 s.
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use Vici;

if (@ARGV > 1 && $ARGV[0] eq '-t') {
	shift;
	$Vici::timeout = shift;
}
my @groups = ([]);
for (@ARGV) {
	if ($_ eq '--') { push @groups, []; next }
	push @{$groups[-1]}, $_;
}

# ike_ids(SOCKET, REMOTE_ID): unique ids of the IKE_SAs with that peer id
sub ike_ids {
	my ($path, $rid) = @_;
	my $v = Vici->new($path) or return ();
	my ($events) = $v->stream('list-sas', 'list-sa', { noblock => 'yes' });
	$v->close;
	my @ids;
	for my $e (@$events) {
		for my $ike (values %$e) {
			push @ids, $ike->{uniqueid}
				if ref $ike eq 'HASH' && ($ike->{'remote-id'} // '') eq $rid;
		}
	}
	return @ids;
}

my @sent;
my $status = 0;
for my $g (@groups) {
	my ($path, $cmd, @kv) = @$g;
	die "usage: $0 [-t SECONDS] SOCKET COMMAND [KEY=VALUE...] [-- ...]\n"
		unless defined $cmd;
	my %msg;
	my $match;
	for (@kv) {
		my ($k, $val) = split /=/, $_, 2;
		if ($k eq 'match-remote-id') { $match = $val; next }
		$msg{$k} = $val;
	}
	my @msgs = (\%msg);
	if (defined $match) {
		@msgs = map { +{ %msg, 'ike-id' => $_ } } ike_ids($path, $match);
	}
	for my $m (@msgs) {
		my $v = Vici->new($path);
		if ($v && $v->send_request($cmd, $m)) {
			push @sent, [$v, $path, $cmd];
		} else {
			print "$path $cmd: failed: $Vici::error\n";
			$status = 1;
		}
	}
}
for (@sent) {
	my ($v, $path, $cmd) = @$_;
	my $r = $v->read_response($cmd);
	$v->close;
	if (Vici::ok($r)) {
		print "$path $cmd: ok\n";
	} else {
		print "$path $cmd: failed: ", ($r ? $r->{errmsg} // '?' : $Vici::error), "\n";
		$status = 1;
	}
}
exit $status;

#!/usr/bin/perl
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# vici.pl [-t SECONDS] SOCKET COMMAND [KEY=VALUE...] [-- SOCKET COMMAND ...]:
# sends each request to its charon (a connection each), all of them before
# reading any answer (two rekeys leave at the same moment), then prints a
# line per answer: "SOCKET COMMAND: ok" or "... failed: errmsg". Exit
# status 0 if every answer reports success. A KEY=VALUE whose KEY is
# match-remote-id sends the request once per IKE_SA with that remote
# identity (* for any), as ike-id=ITS_UNIQUE_ID (none: nothing is sent, it
# succeeds); unless-child=NAME sends nothing (and says so) if the charon
# has an installed CHILD_SA named NAME. Without -t, each answer has 10 s.
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use Vici;

if (@ARGV > 1 && $ARGV[0] eq '-t') {
	shift;
	$Vici::timeout = shift;
}
my ($out, $status) = Vici::run(@ARGV);
print "$_\n" for @$out;
exit $status;

#!/usr/bin/perl
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# soak-check.pl OPTIONS SITE...: the quiet points of the soak
# (tests/soak.sh), as a server: it reads commands on its standard input,
# answers each with lines ending in "end STATUS" (0 for success), so that
# perl starts once in a run (a second under TCG):
#   check N       the quiet point after event N (below)
#   vici ARGS...  requests as tests/lib/vici.pl takes them ([-t SECONDS]
#                 SOCKET COMMAND KEY=VALUE... [-- SOCKET ...]), the
#                 answers on one line
#   initiator SOCKET NAME   whether the charon initiated the connection's
#                 IKE_SAs: yes, no, or none (there is none)
#   ours NS [UP]  "IFINDEX NAME UP|DOWN" of each interface of ours in NS
#                 (with UP: those that are up)
#   up SOCKET     the names of the charon's installed CHILD_SAs
# A quiet point waits until every charon is quiet (every IKE_SA
# ESTABLISHED, every CHILD_SA INSTALLED or, rekeyed, DELETED, listed over
# vici, the logs still),
# then checks the invariants against one `ip -d -j addr show` of each
# private namespace and one `ip -d -j link show` of each public one (from
# an ip -batch of each namespace, running for the whole soak), again
# and again until they hold or the deadline passes (the kernel worker acts
# after the bus event, a resync repairs within its period):
#   - each installed CHILD_SA with marks or if_ids has exactly its
#     interface: alias strongswan-vti:CONN, name, kind, keys or if_id,
#     endpoints, UP (but where set down by hand), MTU, the site's addresses,
#     in the private namespace; a VTI is shared by the CHILD_SAs with its
#     endpoints (its keys are one of theirs, the newest decides);
#   - no interface of ours without a live CHILD_SA, except one kept down by
#     down_action = down (or within a break-before-make reauthentication's
#     grace);
#   - none of ours, and none under the temporary name, in a public namespace;
#   - foreign interfaces untouched: same ifindex, kind, alias and state;
#   - both charons alive and answering vici (version) within 1 s.
# It appends the figures of the event (pid, open fds, VmRSS, vici ms and,
# where --heap DIR holds the file heap.PID that tests/lib/heapstat.c writes,
# malloc's KiB in use, the KiB it holds and its arenas; -1 where not; what
# the site holds: IKE_SAs/CHILD_SAs with marks or if_ids/interfaces; the
# Rss smaps_rollup counts) to
# --figures and the number of checks by kind to --counts, prints a line
# saying what each site holds, and each broken invariant as "FAIL: soak:
# event N: ...".
#
# OPTIONS: --without-plugin (charons without it: the figures only),
# --model FILE (addr S ADDR/LEN; conn S NAME ids=fixed|unique
# shared=0|1 down=delete|down mtu=auto|N[,N]), --state FILE (foreign S NAME
# IFINDEX KIND ALIAS UP; downhand S IFINDEX; uphand S IFINDEX; invalid S
# CONN; grace S CONN UNTIL; read anew at each check), --figures FILE, --counts FILE, --heap DIR, --quiet
# SECONDS (60), --deadline SECONDS (15), --still SECONDS (0.25). SITE:
# S:DIR:PRIVNS:PUBNS (DIR holds charon.vici and charon.pid).
use strict;
use warnings;
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use Vici;
use JSON::PP;
# Debian's Cpanel::JSON::XS where installed: JSON::PP's decoding of a
# namespace's links costs a good part of a quiet point under TCG
my $json = eval { require Cpanel::JSON::XS; Cpanel::JSON::XS->new } || JSON::PP->new;
use Getopt::Long;
use Time::HiRes qw(time sleep);
use IPC::Open2;
use POSIX qw(WNOHANG);

my %opt = (quiet => 60, deadline => 15, still => 0.25);
GetOptions(\%opt, 'model=s', 'state=s', 'figures=s', 'counts=s', 'heap=s',
	'quiet=f', 'deadline=f', 'still=f', 'without-plugin') or die "bad options\n";
my @sites;
for (@ARGV) {
	my ($s, $dir, $priv, $pub) = split /:/;
	die "bad site $_\n" unless defined $pub;
	push @sites, { id => $s, dir => $dir, priv => $priv, pub => $pub };
}
die "no site\n" unless @sites;
$Vici::timeout = 5;

my (%addrs, %conns, %foreign, %downhand, %uphand, %invalid, %grace);
sub read_lines {
	my ($file) = @_;
	return () unless defined $file && -e $file;
	open my $fh, '<', $file or die "$file: $!\n";
	my @l = map { chomp; [split ' '] } grep { /\S/ && !/^#/ } <$fh>;
	close $fh;
	return @l;
}

# read_model: what the sites are, and what has been done to them
sub read_model {
	%addrs = %conns = %foreign = %downhand = %uphand = %invalid = %grace = ();
	for (read_lines($opt{model})) {
		my ($what, $s, @rest) = @$_;
		if ($what eq 'addr') {
			push @{$addrs{$s}}, $rest[0];
		} elsif ($what eq 'conn') {
			my ($name, @kv) = @rest;
			$conns{$s}{$name} = { map { split /=/, $_, 2 } @kv };
		}
	}
	my $now = time;
	for (read_lines($opt{state})) {
		my ($what, $s, @rest) = @$_;
		if ($what eq 'foreign') {
			my ($name, $idx, $kind, $alias, $up) = @rest;
			$foreign{$s}{$name} = { ifindex => $idx, kind => $kind,
				alias => $alias, up => $up };
		} elsif ($what eq 'downhand') {
			$downhand{$s}{$rest[0]} = 1;
		} elsif ($what eq 'uphand') {
			$uphand{$s}{$rest[0]} = 1;
		} elsif ($what eq 'invalid') {
			$invalid{$s}{$rest[0]} = 1;
		} elsif ($what eq 'grace') {
			$grace{$s}{$rest[0]} = 1 if $rest[1] > $now;
		}
	}
}

my %count;
my @fails;
# what each site held at the quiet point (IKE_SAs/CHILD_SAs/interfaces)
my %holds;
sub fail { push @fails, "site $_[0]: $_[1]" }

# list_sas(SITE): (the IKE_SAs as hashes with name, or undef, vici error)
sub list_sas {
	my ($site) = @_;
	my $v = Vici->new("$site->{dir}/charon.vici") or return (undef, $Vici::error);
	my ($events, $r) = $v->stream('list-sas', 'list-sa', { noblock => 'yes' });
	$v->close;
	return (undef, $Vici::error) unless $r;
	my @ikes;
	for my $e (@$events) {
		for my $name (keys %$e) {
			push @ikes, { %{$e->{$name}}, name => $name } if ref $e->{$name};
		}
	}
	return (\@ikes, '');
}

# busy(IKES): what is not settled yet, '' if nothing
sub busy {
	my ($ikes) = @_;
	my @b;
	for my $ike (@$ikes) {
		push @b, "IKE_SA $ike->{name} #$ike->{uniqueid} $ike->{state}"
			if $ike->{state} ne 'ESTABLISHED';
		for my $c (values %{$ike->{'child-sas'} || {}}) {
			# DELETED: rekeyed and deleted, kept for delayed packets
			# (charon.delete_rekeyed_delay, 5 s)
			push @b, "CHILD_SA $c->{name} {$c->{uniqueid}} $c->{state}"
				if $c->{state} ne 'INSTALLED' && $c->{state} ne 'DELETED';
		}
	}
	return join(', ', @b);
}

# log_sizes: the sizes of the charon logs, as one string
sub log_sizes {
	return join(' ', map { -s "$_->{dir}/charon.log" // 0 } @sites);
}

# logs_still(UNTIL): once the charon logs have not grown for --still
# seconds (a rekey requested is logged at once, its job starts a moment
# later), true; false at UNTIL
sub logs_still {
	my ($until) = @_;
	my $sizes = log_sizes();
	my $since = time;
	while (time - $since < $opt{still}) {
		return 0 if time >= $until;
		sleep 0.05;
		my $now = log_sizes();
		if ($now ne $sizes) {
			$sizes = $now;
			$since = time;
		}
	}
	return 1;
}

# quiet_snapshot(UNTIL): { S => IKES } once all charons are quiet (their
# logs still, their SAs settled, the logs still while they were listed);
# undef and the reason at the deadline
sub quiet_snapshot {
	my ($until) = @_;
	my $why;
	while (1) {
		unless (logs_still($until)) {
			return (undef, $why || 'the charon logs still grow');
		}
		my %snap;
		$why = '';
		my $sizes = log_sizes();
		for my $site (@sites) {
			my ($ikes, $err) = list_sas($site);
			if (!$ikes) {
				$why .= "site $site->{id}: vici list-sas failed: $err; ";
			} elsif (my $b = busy($ikes)) {
				$why .= "site $site->{id}: $b; ";
			}
			$snap{$site->{id}} = $ikes;
		}
		return (\%snap, '') if !$why && log_sizes() eq $sizes;
		$why ||= 'the charon logs grew while listing';
		return (undef, $why) if time >= $until;
		sleep 0.1;
	}
}

# One `ip -n NS -d -j -batch -` per namespace for the run: a command a
# line, an answer a line (a process started under TCG costs more than the
# listing); started again after an error.
my %ip;
$SIG{PIPE} = 'IGNORE';

sub ip_stop {
	my ($ns) = @_;
	my $p = delete $ip{$ns} or return;
	close $p->{in};
	close $p->{out};
	kill 'KILL', $p->{pid} unless waitpid($p->{pid}, WNOHANG);
	waitpid($p->{pid}, 0);
}

# ip_json(NS, WHAT): the answer of `ip -n NS -d -j WHAT show`, undef if
# there is none within 10 s or it is no JSON
sub ip_json {
	my ($ns, $what) = @_;
	for my $try (1, 2) {
		unless ($ip{$ns}) {
			my ($in, $out);
			my $pid = eval { open2($out, $in, 'ip', '-n', $ns, '-d', '-j', '-batch', '-') };
			return undef unless $pid;
			$in->autoflush(1);
			$ip{$ns} = { pid => $pid, in => $in, out => $out };
		}
		my $p = $ip{$ns};
		my $line;
		eval {
			local $SIG{ALRM} = sub { die "timeout\n" };
			alarm 10;
			print { $p->{in} } "$what show\n" and $line = readline($p->{out});
			alarm 0;
		};
		alarm 0;
		my $j = defined $line ? eval { $json->decode($line) } : undef;
		return $j if ref $j eq 'ARRAY';
		ip_stop($ns);
	}
	return undef;
}

sub quad {
	my ($n) = @_;
	return join('.', ($n >> 24) & 255, ($n >> 16) & 255, ($n >> 8) & 255, $n & 255);
}

sub num {
	my ($v) = @_;
	return 0 unless defined $v;
	return $v =~ /^0x/i ? hex($v) : $v =~ /^\d+$/ ? $v + 0 : 0;
}

sub any_addr {
	my ($a) = @_;
	return !defined $a || $a eq 'any' || $a eq '0.0.0.0' || $a eq '::';
}

sub has_flag {
	my ($link, $flag) = @_;
	return scalar grep { $_ eq $flag } @{$link->{flags} || []};
}

# mtu_want(CONF, V6): the MTUs the connection's setting allows (auto: a
# 1500 path less the overhead of AES-GCM-16 ESP over IPv6 or IPv4)
sub mtu_want {
	my ($conf, $v6) = @_;
	my $m = $conf->{mtu} // 'auto';
	return $m eq 'auto' ? ($v6 ? 1426 : 1446) : split(/,/, $m);
}

# the CHILD_SAs of site S that want an interface, grouped by the
# interface they share
sub groups_of {
	my ($s, $ikes) = @_;
	my %g;
	for my $ike (@$ikes) {
		my $conf = $conns{$s}{$ike->{name}} or next;
		my $v6 = $ike->{'local-host'} =~ /:/;
		for my $c (values %{$ike->{'child-sas'} || {}}) {
			next unless $c->{state} eq 'INSTALLED';
			my $ifid = $c->{'if-id-in'} ? hex($c->{'if-id-in'}) : 0;
			my $mi = $c->{'mark-in'} ? hex($c->{'mark-in'}) : 0;
			my $mo = $c->{'mark-out'} ? hex($c->{'mark-out'}) : 0;
			my %ch = (conn => $ike->{name}, uid => $c->{uniqueid}, v6 => $v6,
				conf => $conf);
			my $key;
			if ($ifid) {
				%ch = (%ch, kind => 'xfrm', if_id => $ifid, name => "xfrm$ifid");
				$key = "xfrm/$ifid";
			} elsif ($mi || $mo) {
				my $remote = $conf->{shared} ? 'any' : $ike->{'remote-host'};
				%ch = (%ch, kind => $v6 ? 'vti6' : 'vti', ikey => quad($mi),
					okey => quad($mo), local => $ike->{'local-host'},
					remote => $remote, name => "vti$mi");
				# shared by the connection's CHILD_SAs with these endpoints
				$key = "$ch{kind}/$ch{local}/$remote/$ike->{name}";
			} else {
				next;
			}
			push @{$g{$key}}, \%ch;
		}
	}
	return \%g;
}

# check_site(SITE, IKES, PRIV LINKS, PUB LINKS): the site's invariants
sub check_site {
	my ($site, $ikes, $priv, $pub) = @_;
	my $s = $site->{id};
	return no_plugin_site($s, $ikes) if $opt{'without-plugin'};
	my %byname = map { $_->{ifname} => $_ } @$priv;
	my @ours = grep { ($_->{ifalias} // '') =~ /^strongswan-vti:/ } @$priv;
	my (%held, %blocked);
	my $groups = groups_of($s, $ikes);
	for my $key (sort keys %$groups) {
		my $g = $groups->{$key};
		my $c0 = $g->[0];
		my $what = "CHILD_SA " . join(', ', map { "$_->{conn} {$_->{uid}}" } @$g);
		$count{'CHILD_SA has its interface'}++;
		my @same = grep {
			my $li = $_->{linkinfo} || {};
			my $d = $li->{info_data} || {};
			($li->{info_kind} // '') eq $c0->{kind} &&
			($c0->{kind} eq 'xfrm' ? num($d->{if_id}) == $c0->{if_id} :
				($d->{local} // '') eq $c0->{local} &&
				(any_addr($c0->{remote}) ? any_addr($d->{remote}) :
					($d->{remote} // '') eq $c0->{remote}))
		} @ours;
		my @m = grep { $_->{ifalias} eq "strongswan-vti:$c0->{conn}" } @same;
		my @other = grep { $_->{ifalias} ne "strongswan-vti:$c0->{conn}" } @same;
		# the name one of them would give it taken by someone else's
		# interface (the plugin leaves both alone), or settings made
		# invalid: no interface is as right as one
		my $optional = grep {
			$invalid{$s}{$_->{conn}} || ($byname{$_->{name}} &&
				($byname{$_->{name}}{ifalias} // '') !~ /^strongswan-vti:/)
		} @$g;
		if (@m > 1) {
			fail($s, "$what: " . scalar(@m) . " interfaces: " .
				join(' ', map { $_->{ifname} } @m));
			next;
		}
		if (!@m && @other) {
			# the kernel takes one tunnel with these endpoints (or if_id):
			# another connection's has them (MOBIKE brought this one onto
			# them); the plugin keeps this connection's interface down
			$count{'CHILD_SA whose endpoints another connection has'}++;
			$blocked{$c0->{conn}} = 1;
			next;
		}
		if (!@m) {
			fail($s, "$what ($c0->{kind}" .
				($c0->{kind} eq 'xfrm' ? " if_id $c0->{if_id}" :
					" $c0->{local} -> $c0->{remote}") . "): no interface" .
				(@other ? ", " . join(', ', map { "$_->{ifname} ($_->{ifalias}) has " .
					($c0->{kind} eq 'xfrm' ? 'its if_id' : 'its endpoints') } @other) : ''))
				unless $optional;
			next;
		}
		my $l = $m[0];
		$held{$l->{ifindex}} = 1;
		my $d = $l->{linkinfo}{info_data} || {};
		my $desc = "$what: $l->{ifname} (ifindex $l->{ifindex})";
		my ($aconn) = $l->{ifalias} =~ /^strongswan-vti:(.*)/;
		fail($s, "$desc: alias names $aconn")
			unless grep { $_->{conn} eq $aconn } @$g;
		if ($c0->{kind} eq 'xfrm' || $c0->{conf}{ids} eq 'fixed') {
			fail($s, "$desc: not named " . join(' or ', map { $_->{name} } @$g))
				unless grep { $_->{name} eq $l->{ifname} } @$g;
		} else {
			fail($s, "$desc: not named vti<mark>")
				unless $l->{ifname} =~ /^vti\d+$/;
		}
		if ($c0->{kind} ne 'xfrm') {
			my $k = ($d->{ikey} // '0.0.0.0') . '/' . ($d->{okey} // '0.0.0.0');
			fail($s, "$desc: keys $k are no CHILD_SA's marks (" .
				join(' ', map { "$_->{ikey}/$_->{okey}" } @$g) . ")")
				unless grep { "$_->{ikey}/$_->{okey}" eq $k } @$g;
		}
		my $up = has_flag($l, 'UP');
		fail($s, "$desc: not UP") unless $up || $downhand{$s}{$l->{ifindex}};
		my %seen;
		my @mtu = grep { !$seen{$_}++ } map { mtu_want($_->{conf}, $_->{v6}) } @$g;
		fail($s, "$desc: mtu $l->{mtu}, wanted " . join(' or ', @mtu))
			unless grep { $_ == $l->{mtu} } @mtu;
		if ($up) {
			for my $a (@{$addrs{$s} || []}) {
				my ($ip, $len) = split m{/}, $a;
				fail($s, "$desc: lacks $a") unless grep {
					$_->{local} eq $ip && $_->{prefixlen} == $len
				} @{$l->{addr_info} || []};
			}
		}
	}
	for my $l (@ours) {
		$count{'interface of ours has a CHILD_SA'}++;
		next if $held{$l->{ifindex}};
		my ($conn) = $l->{ifalias} =~ /^strongswan-vti:(.*)/;
		my $conf = $conns{$s}{$conn};
		my $desc = "$l->{ifname} (ifindex $l->{ifindex}, $conn)";
		if (!$conf) {
			fail($s, "$desc: an interface of ours for no connection of the soak");
		} elsif ($grace{$s}{$conn}) {
			# the reauthenticating side keeps it for the new CHILD_SAs
		} elsif ($blocked{$conn}) {
			fail($s, "$desc: UP, though its CHILD_SA's endpoints are "
				. "another connection's") if has_flag($l, 'UP');
		} elsif ($conf->{down} eq 'down') {
			# set up by hand: the operator's, as a setting down
			fail($s, "$desc: kept for down_action = down, but UP")
				if has_flag($l, 'UP') && !$uphand{$s}{$l->{ifindex}};
		} else {
			fail($s, "$desc: no live CHILD_SA holds it");
		}
	}
	for my $name (sort keys %{$foreign{$s} || {}}) {
		my $f = $foreign{$s}{$name};
		my $l = $byname{$name};
		$count{'foreign interface untouched'}++;
		if (!$l) {
			fail($s, "foreign interface $name is gone");
			next;
		}
		my $kind = $l->{linkinfo}{info_kind} // 'none';
		my $alias = $l->{ifalias} // 'none';
		my $up = has_flag($l, 'UP') ? 'up' : 'down';
		my $now = "ifindex $l->{ifindex} kind $kind alias $alias $up";
		my $was = "ifindex $f->{ifindex} kind $f->{kind} alias $f->{alias} $f->{up}";
		fail($s, "foreign interface $name changed: $was -> $now") if $now ne $was;
	}
	$count{'public namespace clean'}++;
	for my $l (@$pub) {
		fail($s, "$l->{ifname} of ours in the public namespace $site->{pub}")
			if ($l->{ifalias} // '') =~ /^strongswan-vti:/ ||
				$l->{ifname} eq 'strongswan-vti';
	}
	my @down = grep { !has_flag($_, 'UP') } @ours;
	my $nsa = 0;
	$nsa += @$_ for values %$groups;
	$holds{$s} = scalar(@$ikes) . "/$nsa/" . scalar(@ours);
	return "site $s: " . scalar(@$ikes) . " IKE_SAs, $nsa CHILD_SAs with " .
		"marks or if_ids, " . scalar(@ours) . " interfaces (" . scalar(@down) .
		" down)";
}

# no_plugin_site(SITE, IKES): what a site without the plugin holds (its
# charon's figures only: nothing to check but that it runs)
sub no_plugin_site {
	my ($s, $ikes) = @_;
	my $nsa = 0;
	$nsa += @$_ for values %{groups_of($s, $ikes)};
	$holds{$s} = scalar(@$ikes) . "/$nsa/0";
	return "site $s: " . scalar(@$ikes) . " IKE_SAs, $nsa CHILD_SAs with " .
		"marks or if_ids, without the plugin";
}

# check_point(N): the quiet point after event N; its lines and status
sub check_point {
	my ($event) = @_;
	my @out;
	read_model();
	my $t0 = time;
	my ($snap, $why) = quiet_snapshot($t0 + $opt{quiet});
	my @summary;
	@fails = ();
	%count = ();
	%holds = ();
	if (!$snap) {
		@fails = ("not quiet within $opt{quiet} s: $why");
	} else {
		my $until = time + $opt{deadline};
		while (1) {
			@fails = ();
			%count = ();
			@summary = ();
			for my $site (@sites) {
				my $priv = ip_json($site->{priv}, 'addr');
				my $pub = ip_json($site->{pub}, 'link');
				if (!$priv || !$pub) {
					fail($site->{id}, "ip -j cannot read $site->{priv} or $site->{pub}");
					next;
				}
				push @summary, check_site($site, $snap->{$site->{id}}, $priv, $pub);
			}
			last if !@fails || time >= $until;
			sleep 0.3;
			# a rekey may have begun: it gets a moment more than the deadline
			my ($again, $w) = quiet_snapshot($until > time + 2 ? $until : time + 2);
			if (!$again) {
				push @fails, "and not quiet again by the deadline: $w";
				last;
			}
			$snap = $again;
		}
	}
	alive($event);
	if ($opt{counts} && open my $fh, '>>', $opt{counts}) {
		print $fh "$_\t$count{$_}\n" for sort keys %count;
		close $fh;
	}
	push @out, "    $_" for @summary;
	push @out, "FAIL: soak: event $event: $_" for @fails;
	return (\@out, @fails ? 1 : 0);
}

# proc_kib(PID, FILE, FIELD): the KiB of FIELD in /proc/PID/FILE, -1 if
# not there
sub proc_kib {
	my ($pid, $file, $field) = @_;
	my $kib = -1;
	if (open my $fh, '<', "/proc/$pid/$file") {
		while (<$fh>) { $kib = $1 if /^\Q$field\E:\s+(\d+)/ }
		close $fh;
	}
	return $kib;
}

# heap_figures PID: malloc's KiB in use, KiB held and arenas in charon PID
# (-1 -1 -1 where not reported)
sub heap_figures {
	my ($pid) = @_;
	my @heap;
	if ($opt{heap} && open my $fh, '<', "$opt{heap}/heap.$pid") {
		@heap = split ' ', (<$fh> // '');
		close $fh;
	}
	return (-1, -1, -1) if @heap != 3;
	return (int($heap[0] / 1024), int($heap[1] / 1024), $heap[2]);
}

# alive(N): each charon runs and answers vici within 1 s; the figures
sub alive {
	my ($event) = @_;
	for my $site (@sites) {
		my $s = $site->{id};
		my $pid;
		if (open my $pf, '<', "$site->{dir}/charon.pid") {
			$pid = <$pf>;
			close $pf;
		}
		chomp $pid if defined $pid;
		$count{'charon alive, vici within 1 s'}++;
		if (!$pid || !-d "/proc/$pid") {
			fail($s, "charon is not running");
			next;
		}
		my $t = time;
		my $v = Vici->new("$site->{dir}/charon.vici");
		my $r = $v ? $v->request('version') : undef;
		$v->close if $v;
		my $ms = int((time - $t) * 1000 + 0.5);
		if (!$r) {
			fail($s, "charon does not answer vici: $Vici::error");
		} elsif ($ms > 1000) {
			fail($s, "charon answered vici version in $ms ms");
		}
		my $fds = -1;
		if (opendir my $dh, "/proc/$pid/fd") {
			$fds = scalar(grep { !/^\./ } readdir $dh);
			closedir $dh;
		}
		my $rss = proc_kib($pid, 'status', 'VmRSS');
		# VmRSS lags: Linux 6.1 adds a thread's pages to it every 64
		# faults (charon has 16 threads); smaps_rollup walks them
		my $rss_walked = proc_kib($pid, 'smaps_rollup', 'Rss');
		my @heap = heap_figures($pid);
		if ($opt{figures} && open my $fh, '>>', $opt{figures}) {
			print $fh "$event $s $pid $fds $rss $ms @heap ",
				$holds{$s} // '-', " $rss_walked\n";
			close $fh;
		}
	}
}

$| = 1;
# when the last quiet point ended: the next event's time starts there
my $since = time;
while (my $line = <STDIN>) {
	chomp $line;
	my ($cmd, @args) = split ' ', $line;
	next unless defined $cmd;
	my ($out, $status);
	if ($cmd eq 'check') {
		my $t = time;
		($out, $status) = check_point($args[0] // 0);
		unshift @$out, sprintf("    event %.2f s, quiet point and checks %.2f s",
			$t - $since, time - $t);
		$since = time;
	} elsif ($cmd eq 'vici') {
		# one line: each answer without its socket
		local $Vici::timeout = $Vici::timeout;
		if (@args > 1 && $args[0] eq '-t') {
			shift @args;
			$Vici::timeout = shift @args;
		}
		($out, $status) = Vici::run(@args);
		$out = [join('; ', map { s/^\S+ //r } @$out)];
	} elsif ($cmd eq 'ours') {
		# IFINDEX NAME UP|DOWN of the interfaces of ours in a namespace
		my ($ns, $only) = @args;
		my $links = ip_json($ns, 'link') || [];
		my @l;
		for (@$links) {
			next unless ($_->{ifalias} // '') =~ /^strongswan-vti:/;
			my $up = has_flag($_, 'UP') ? 'UP' : 'DOWN';
			push @l, "$_->{ifindex} $_->{ifname} $up" if !$only || $only eq $up;
		}
		($out, $status) = (\@l, 0);
	} elsif ($cmd eq 'up') {
		# the names of the charon's installed CHILD_SAs, each once
		my %up = map { $_->{name} => 1 } grep { $_->{state} eq 'INSTALLED' }
			map { values %{$_->{'child-sas'} || {}} } Vici::ikes($args[0]);
		($out, $status) = ([sort keys %up], 0);
	} elsif ($cmd eq 'initiator') {
		# yes if an IKE_SA of the connection has the charon as initiator,
		# no if one has it as responder, none if there is none
		my ($path, $name) = @args;
		my @ikes = grep { $_->{name} eq $name } Vici::ikes($path);
		($out, $status) = ([!@ikes ? 'none' :
			(grep { ($_->{initiator} // '') eq 'yes' } @ikes) ? 'yes' : 'no'], 0);
	} else {
		($out, $status) = (["unknown command $cmd"], 2);
	}
	print "$_\n" for @$out;
	print "end $status\n";
}
ip_stop($_) for keys %ip;

# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# A small client of charon's vici protocol (strongSwan's
# src/libcharon/plugins/vici/README.md): requests, and commands that stream
# their answer as events (list-sas), over a UNIX socket, each with a
# deadline. strongswan-vti-status uses it (installed beside it), and so do
# the tests (tests/lib/Vici.pm links here). Messages are perl hashes: a
# value is a string, an array reference (a list) or a hash reference (a
# section).
#
#   my $v = Vici->new($socket) or die $Vici::error;
#   my $r = $v->request('version');               # undef on failure
#   my ($events, $r) = $v->stream('list-sas', 'list-sa', { noblock => 'yes' });
package Vici;
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);

our $error = '';
# seconds a request may take, connection to last byte
our $timeout = 10;

use constant {
	CMD_REQUEST => 0, CMD_RESPONSE => 1, CMD_UNKNOWN => 2,
	EVENT_REGISTER => 3, EVENT_UNREGISTER => 4, EVENT_CONFIRM => 5,
	EVENT_UNKNOWN => 6, EVENT => 7,
	SECTION_START => 1, SECTION_END => 2, KEY_VALUE => 3,
	LIST_START => 4, LIST_ITEM => 5, LIST_END => 6,
};

# new(SOCKET): a connection, undef (and $Vici::error) if there is none
sub new {
	my ($class, $path) = @_;
	my $sock = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path);
	unless ($sock) {
		$error = "connecting to $path: $!";
		return undef;
	}
	return bless { sock => $sock, path => $path }, $class;
}

# peer_pid: the PID of the process at the other end of the socket (charon),
# undef if the kernel does not tell
sub peer_pid {
	my ($self) = @_;
	my $cred = getsockopt($self->{sock}, Socket::SOL_SOCKET(), Socket::SO_PEERCRED());
	return undef unless defined $cred && length $cred >= 4;
	my ($pid) = unpack('i', $cred);
	return $pid > 0 ? $pid : undef;
}

sub close {
	my ($self) = @_;
	CORE::close($self->{sock}) if $self->{sock};
	$self->{sock} = undef;
}

# encode(HASH): the message's elements
sub encode {
	my ($msg) = @_;
	my $out = '';
	for my $k (sort keys %$msg) {
		my $v = $msg->{$k};
		if (ref $v eq 'HASH') {
			$out .= pack('C C/a*', SECTION_START, $k) . encode($v) .
				pack('C', SECTION_END);
		} elsif (ref $v eq 'ARRAY') {
			$out .= pack('C C/a*', LIST_START, $k);
			$out .= pack('C n/a*', LIST_ITEM, $_) for @$v;
			$out .= pack('C', LIST_END);
		} else {
			$out .= pack('C C/a* n/a*', KEY_VALUE, $k, $v);
		}
	}
	return $out;
}

# decode(BYTES): the message as a hash; undef if malformed
sub decode {
	my ($buf) = @_;
	my $root = {};
	my @stack = ($root);
	my ($list, $listname);
	my $pos = 0;
	my $len = length $buf;
	my $name = sub {
		my $n = unpack('C', substr($buf, $pos, 1));
		my $s = substr($buf, $pos + 1, $n);
		$pos += 1 + $n;
		return $s;
	};
	my $value = sub {
		my $n = unpack('n', substr($buf, $pos, 2));
		my $s = substr($buf, $pos + 2, $n);
		$pos += 2 + $n;
		return $s;
	};
	while ($pos < $len) {
		my $type = unpack('C', substr($buf, $pos++, 1));
		if ($type == SECTION_START) {
			my $k = $name->();
			my $h = {};
			$stack[-1]{$k} = $h;
			push @stack, $h;
		} elsif ($type == SECTION_END) {
			return undef if @stack < 2;
			pop @stack;
		} elsif ($type == KEY_VALUE) {
			my $k = $name->();
			$stack[-1]{$k} = $value->();
		} elsif ($type == LIST_START) {
			$listname = $name->();
			$list = [];
		} elsif ($type == LIST_ITEM) {
			return undef unless $list;
			push @$list, $value->();
		} elsif ($type == LIST_END) {
			return undef unless $list;
			$stack[-1]{$listname} = $list;
			$list = undef;
		} else {
			return undef;
		}
	}
	return $root;
}

sub read_n {
	my ($self, $n) = @_;
	my $buf = '';
	while (length $buf < $n) {
		my $r = sysread($self->{sock}, $buf, $n - length $buf, length $buf);
		return undef unless $r;
	}
	return $buf;
}

# send_packet(TYPE, NAME, BYTES)
sub send_packet {
	my ($self, $type, $name, $data) = @_;
	my $p = pack('C', $type);
	$p .= pack('C/a*', $name) if defined $name;
	$p .= $data if defined $data;
	my $all = pack('N', length $p) . $p;
	my $off = 0;
	while ($off < length $all) {
		my $w = syswrite($self->{sock}, $all, length($all) - $off, $off);
		return 0 unless $w;
		$off += $w;
	}
	return 1;
}

# read_packet: (TYPE, NAME, MESSAGE BYTES), or () on end of file
sub read_packet {
	my ($self) = @_;
	my $len = $self->read_n(4);
	return () unless defined $len;
	my $p = $self->read_n(unpack('N', $len));
	return () unless defined $p && length $p;
	my $type = unpack('C', $p);
	my ($name, $rest) = (undef, substr($p, 1));
	if ($type == EVENT) {
		my $n = unpack('C', $rest);
		$name = substr($rest, 1, $n);
		$rest = substr($rest, 1 + $n);
	}
	return ($type, $name, $rest);
}

# with_deadline(CODE): CODE's result, or undef (and $error) after $timeout
sub with_deadline {
	my ($self, $what, $code) = @_;
	my @r;
	my $ok = eval {
		local $SIG{ALRM} = sub { die "timeout\n" };
		alarm $timeout;
		@r = $code->();
		alarm 0;
		1;
	};
	alarm 0;
	unless ($ok) {
		$error = "$what: no answer within ${timeout}s";
		return ();
	}
	return @r;
}

# send_request(COMMAND, MESSAGE): the request sent, its answer not read
sub send_request {
	my ($self, $cmd, $msg) = @_;
	return $self->send_packet(CMD_REQUEST, $cmd, encode($msg || {}));
}

# read_response(COMMAND): the answer to a request sent, as a hash
sub read_response {
	my ($self, $cmd) = @_;
	my ($r) = $self->with_deadline($cmd, sub {
		my ($type, undef, $data) = $self->read_packet;
		unless (defined $type) {
			$error = "$cmd: connection closed";
			return undef;
		}
		unless ($type == CMD_RESPONSE) {
			$error = "$cmd: answer of type $type";
			return undef;
		}
		my $m = decode($data);
		$error = "$cmd: malformed answer" unless $m;
		return $m;
	});
	return $r;
}

# request(COMMAND, MESSAGE): the answer, undef on failure
sub request {
	my ($self, $cmd, $msg) = @_;
	unless ($self->send_request($cmd, $msg)) {
		$error = "$cmd: sending failed: $!";
		return undef;
	}
	return $self->read_response($cmd);
}

# stream(COMMAND, EVENT, MESSAGE): (the events' messages, the answer)
sub stream {
	my ($self, $cmd, $event, $msg) = @_;
	my @events;
	my ($r) = $self->with_deadline($cmd, sub {
		$self->send_packet(EVENT_REGISTER, $event) or return undef;
		my ($type) = $self->read_packet;
		unless (defined $type && $type == EVENT_CONFIRM) {
			$error = "$cmd: registering for $event failed";
			return undef;
		}
		$self->send_request($cmd, $msg) or return undef;
		while (1) {
			my ($t, $name, $data) = $self->read_packet;
			unless (defined $t) {
				$error = "$cmd: connection closed";
				return undef;
			}
			if ($t == EVENT) {
				push @events, decode($data) if $name eq $event;
			} elsif ($t == CMD_RESPONSE) {
				my $m = decode($data);
				$self->send_packet(EVENT_UNREGISTER, $event);
				$self->read_packet;
				return $m;
			} else {
				$error = "$cmd: answer of type $t";
				return undef;
			}
		}
	});
	return (\@events, $r);
}

# ok(ANSWER): an answer that reports no failure (success is "yes" or absent)
sub ok {
	my ($r) = @_;
	return 0 unless $r;
	return !defined $r->{success} || $r->{success} eq 'yes';
}

# ikes(SOCKET): the charon's IKE_SAs (hashes of list-sas, with their
# connection's name as name)
sub ikes {
	my ($path) = @_;
	my $v = Vici->new($path) or return ();
	my ($events) = $v->stream('list-sas', 'list-sa', { noblock => 'yes' });
	$v->close;
	my @ikes;
	for my $e (@$events) {
		push @ikes, map { +{ %{$e->{$_}}, name => $_ } }
			grep { ref $e->{$_} eq 'HASH' } keys %$e;
	}
	return @ikes;
}

# ike_ids(SOCKET, REMOTE_ID): unique ids of the IKE_SAs with that peer
# identity (* for any)
sub ike_ids {
	my ($path, $rid) = @_;
	return map { $_->{uniqueid} }
		grep { $rid eq '*' || ($_->{'remote-id'} // '') eq $rid } ikes($path);
}

# child_up(SOCKET, NAME): the charon has an installed CHILD_SA NAME
sub child_up {
	my ($path, $name) = @_;
	return grep { $_->{name} eq $name && $_->{state} eq 'INSTALLED' }
		map { values %{$_->{'child-sas'} || {}} } ikes($path);
}

# run(ARGS): requests as vici.pl takes them (SOCKET COMMAND KEY=VALUE...
# [-- SOCKET COMMAND ...]), each sent before any answer is read: (a line
# per answer, "SOCKET COMMAND: ok" or "... failed: why"; 0 if all
# succeeded)
sub run {
	my @groups = ([]);
	for (@_) {
		if ($_ eq '--') { push @groups, []; next }
		push @{$groups[-1]}, $_;
	}
	my (@sent, @out);
	my $status = 0;
	for my $g (@groups) {
		my ($path, $cmd, @kv) = @$g;
		unless (defined $cmd) {
			push @out, "usage: SOCKET COMMAND [KEY=VALUE...] [-- ...]";
			return (\@out, 2);
		}
		my %msg;
		my ($match, $unless);
		for (@kv) {
			my ($k, $val) = split /=/, $_, 2;
			if ($k eq 'match-remote-id') { $match = $val; next }
			if ($k eq 'unless-child') { $unless = $val; next }
			$msg{$k} = $val;
		}
		if (defined $unless && child_up($path, $unless)) {
			push @out, "$path $cmd: skipped: $unless is up";
			next;
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
				push @out, "$path $cmd: failed: $error";
				$status = 1;
			}
		}
	}
	for (@sent) {
		my ($v, $path, $cmd) = @$_;
		my $r = $v->read_response($cmd);
		$v->close;
		if (ok($r)) {
			push @out, "$path $cmd: ok";
		} else {
			push @out, "$path $cmd: failed: " . ($r ? $r->{errmsg} // '?' : $error);
			$status = 1;
		}
	}
	return (\@out, $status);
}

1;

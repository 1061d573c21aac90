#!/usr/bin/env python3
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpora of the fuzz targets (tests/fuzz/TARGET/*): a
handful of small inputs each, valid and broken, so that libFuzzer starts
from the shapes the parsers are made for. Run it again after changing it;
the seeds are committed."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    os.makedirs(os.path.join(here, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(here, target, name), 'wb') as f:
        f.write(data)


# config: strongswan.conf text
write('config', 'article', '''charon {
    install_routes = no
    plugins {
        vti {
            netns = private
            connections {
                V3-2 {
                    addresses = 2001:db8:ff::6/127
                }
            }
        }
    }
}
''')
write('config', 'everything', '''charon { plugins { vti {
 auto = no
 netns = priv11
 netns_create = yes
 kind = auto
 name = st%id
 mtu = 1400
 addresses = 2001:db8:ff::6/127, 198.51.100.6/31
 down_action = down
 resync = 30
 connections {
  V3-1 { addresses = 2001:db8:ff::6/127 }
  V3-2 { name = vti%conn
   mtu = auto
   kind = xfrm }
  off { enable = no }
  gw-1 { netns = other
   down_action = delete }
 }
} } }
''')
write('config', 'bad-values', '''charon { plugins { vti {
 mtu = 1000
 addresses = 2001:db8::1/64
 name = %conn-x
 connections {
  a-long-connection { }
  b { netns = ../etc }
  c { name = ip_vti0 }
  d { addresses = "192.0.2.1/24,,10.0.0.1/8" }
  e { mtu = 99999 }
 }
} } }
''')
write('config', 'quoted', 'charon.plugins.vti {\n netns = " "\n'
      ' name = "a\\tb%id"\n addresses = "%any/0"\n resync = -1\n}\n')

# names: 4 bytes of id (little endian), template, NUL, connection name
for name, (tpl, id_, conn) in {
    'default': ('vti%id', 6, 'V3-2'),
    'conn': ('v-%conn-%id', 7, 'ab'),
    'long': ('%conn', 1, 'a-very-long-connection'),
    'fallback': ('ip_vti%id', 0, 'x'),
    'pattern': ('%conn', 1, 'a%d'),
    'fixed': ('strongswan-vti', 1, 'x'),
}.items():
    write('names', name, struct.pack('<I', id_) + tpl.encode() + b'\0' +
          conn.encode())

# addresses: the value of the setting
for name, value in {
    'two': '2001:db8:ff::6/127, 198.51.100.6/31',
    'eight': ','.join('10.0.0.%d/24' % i for i in range(1, 9)),
    'mapped': '::ffff:192.0.2.1/128',
    'garbage': '192.0.2.1/24x,,%any/0',
    'long': '2001:0db8:0000:0000:0000:0000:0000:0001/64',
    # as remote_addrs
    'range': '192.0.2.10-192.0.2.20',
    'dns': 'gw-1.example.com',
}.items():
    write('addresses', name, value)

# nlreply: 4 bytes of control (see fuzz_nlreply.c), then what the kernel
# sends: seq 1, port id 100 answer the request
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
RTM_NEWLINK, RTM_DELLINK = 16, 17
F_MULTI, F_ACK, F_DUMP_INTR = 0x2, 0x4, 0x10
F_CAPPED, F_ACK_TLVS = 0x100, 0x200
SEQ, PID = 1, 100


def align(b):
    return b + b'\0' * (-len(b) % 4)


def nlmsg(type_, flags, payload, seq=SEQ, pid=PID):
    return align(struct.pack('=IHHII', 16 + len(payload), type_, flags, seq,
                             pid) + payload)


def attr(type_, payload):
    return align(struct.pack('=HH', 4 + len(payload), type_) + payload)


def link(type_, flags, index, name, kind=None, data=b'', extra=b'',
         seq=SEQ, pid=PID):
    ifi = struct.pack('=BBHiII', 0, 0, 768, index, 1, 0)
    attrs = attr(3, name.encode() + b'\0') + attr(4, struct.pack('=I', 1400))
    attrs += attr(20, b'strongswan-vti:V3-2\0')
    if kind:
        attrs += attr(18, attr(1, kind.encode() + b'\0') + attr(2, data))
    return nlmsg(type_, flags, ifi + attrs + extra, seq, pid)


REQ = struct.pack('=IHHII', 32, RTM_NEWLINK, 0x605, SEQ, PID)
vti = (attr(1, struct.pack('=I', 0)) + attr(2, struct.pack('>I', 6)) +
       attr(3, struct.pack('>I', 6)) + attr(4, bytes([192, 0, 2, 1])) +
       attr(5, bytes([192, 0, 2, 2])))
vti6 = (attr(2, struct.pack('>I', 7)) + attr(3, struct.pack('>I', 7)) +
        attr(4, bytes(15) + b'\1') + attr(5, bytes(15) + b'\2'))
xfrm = attr(1, struct.pack('=I', 2)) + attr(2, struct.pack('=I', 42))

write('nlreply', 'ack', b'\1\0\0\0' + nlmsg(NLMSG_ERROR, 0,
                                             struct.pack('=i', 0) + REQ[:16]))
write('nlreply', 'error-extack', b'\1\0\3\0' + nlmsg(
    NLMSG_ERROR, F_CAPPED | F_ACK_TLVS,
    struct.pack('=i', -17) + REQ[:16] + attr(1, b'File exists\0') +
    attr(2, struct.pack('=I', 36))))
write('nlreply', 'error-whole-request', b'\1\0\3\0' + nlmsg(
    NLMSG_ERROR, F_ACK_TLVS, struct.pack('=i', -22) + REQ +
    attr(1, b'Invalid argument\0')))
write('nlreply', 'dump', b'\0\0\0\1' +
      nlmsg(NLMSG_NOOP, 0, b'', seq=9) +
      link(RTM_NEWLINK, F_MULTI, 5, 'vti6', 'vti', vti) +
      link(RTM_NEWLINK, F_MULTI, 6, 'xfrm42', 'xfrm', xfrm) +
      nlmsg(NLMSG_DONE, F_MULTI, struct.pack('=i', 0)))
write('nlreply', 'dump-intr', b'\0\0\2\1' +
      link(RTM_NEWLINK, F_MULTI | F_DUMP_INTR, 5, 'vti6', 'vti6', vti6) +
      nlmsg(NLMSG_DONE, F_MULTI | F_DUMP_INTR, struct.pack('=i', 0)))
write('nlreply', 'done-error', b'\0\0\3\1' +
      nlmsg(NLMSG_DONE, F_MULTI | F_ACK_TLVS, struct.pack('=i', -4) +
            attr(1, b'Dump interrupted\0')))
write('nlreply', 'truncated', b'\0\0\0\1' +
      link(RTM_NEWLINK, F_MULTI, 5, 'vti6', 'vti', vti)[:40])
write('nlreply', 'events', b'\2\0\0\0' +
      link(RTM_NEWLINK, 0, 7, 'vti7', 'vti6', vti6, seq=0, pid=0) +
      link(RTM_DELLINK, 0, 7, 'vti7', extra=attr(46, struct.pack('=i', 1)),
           seq=0, pid=0))
write('nlreply', 'one-link', b'\3\0\0\0' +
      link(RTM_NEWLINK, 0, 8, 'xfrm1', 'xfrm', xfrm))

RTM_NEWADDR = 20


def address(family, prefixlen, index, addr=None, local=None):
    ifa = struct.pack('=BBBBI', family, prefixlen, 0x80, 0, index)
    attrs = b''
    if addr:
        attrs += attr(1, addr)
    if local:
        attrs += attr(2, local)
    attrs += attr(8, struct.pack('=I', 0x80))
    return nlmsg(RTM_NEWADDR, F_MULTI, ifa + attrs)


# ip addr show: IPv4 with a peer (IFA_ADDRESS the peer's), IPv6 without
write('nlreply', 'addr-dump', b'\0\0\0\1' +
      address(2, 30, 5, bytes([10, 1, 0, 2]), bytes([10, 1, 0, 1])) +
      address(10, 127, 5, bytes(15) + b'\6') +
      nlmsg(NLMSG_DONE, F_MULTI, struct.pack('=i', 0)))
write('nlreply', 'one-addr', b'\3\0\0\0' +
      address(10, 64, 6, bytes(15) + b'\7', bytes(15) + b'\6'))

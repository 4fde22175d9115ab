#!/usr/bin/env python3
"""Seed corpora for the netsim fuzzers: realistic sessions (DHCP, DNS, SNTP, ping, a cloud
TCP connection with data, server close and abort, fault rules) in fuzz_net's record format,
and one input per parser for fuzz_net_parsers.  Checksums are left zero: fuzz_net's op 1
fixes them.

    tests/net/make_fuzz_seeds.py OUT_DIR     # writes OUT_DIR/net and OUT_DIR/parsers
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else 'fuzz-seeds'
os.makedirs(os.path.join(OUT, 'net'), exist_ok=True)
os.makedirs(os.path.join(OUT, 'parsers'), exist_ok=True)
DEVICE_MAC=bytes([2,0,0,0,0,1]); GATEWAY_MAC=bytes([0x52,0x55,192,168,1,1]); BROADCAST=b'\xff'*6
def ip(a): return bytes(int(x) for x in a.split('.'))
def eth(dst,src,t,p): return dst+src+struct.pack('>H',t)+p
def ipv4(src,dst,proto,payload):
    return struct.pack('>BBHHHBBH4s4s',0x45,0,20+len(payload),1,0x4000,64,proto,0,ip(src),ip(dst))+payload
def udp(src,dst,sp,dp,data): return ipv4(src,dst,17,struct.pack('>HHHH',sp,dp,8+len(data),0)+data)
def tcp(src,dst,sp,dp,seq,ack,flags,data=b'',mss=0):
    opt=struct.pack('>BBH',2,4,mss) if mss else b''
    h=struct.pack('>HHIIBBHHH',sp,dp,seq,ack,(20+len(opt))//4<<4,flags,5840,0,0)+opt
    return ipv4(src,dst,6,h+data)
def icmp(src,dst,seq): return ipv4(src,dst,1,struct.pack('>BBHHH',8,0,0,7,seq)+b'abcdefgh')
def arp(sip,tip): return eth(BROADCAST,DEVICE_MAC,0x0806,struct.pack('>HHBBH',1,0x0800,6,4,1)+DEVICE_MAC+ip(sip)+b'\0'*6+ip(tip))
def dhcp(t,req=None,sid=None):
    b=bytearray(240); b[0]=1;b[1]=1;b[2]=6; b[4:8]=b'\0\0\0\x2a'; b[28:34]=DEVICE_MAC; b[236:240]=bytes([99,130,83,99])
    b+=bytes([53,1,t])
    if req: b+=bytes([50,4])+ip(req)
    if sid: b+=bytes([54,4])+ip(sid)
    b+=b'\xff'; b+=b'\0'*(300-len(b)) if len(b)<300 else b''
    return bytes(b)
def dnsq(name,qt=1):
    q=struct.pack('>HHHHHH',0x1234,0x0100,1,0,0,0)
    for l in name.split('.'): q+=bytes([len(l)])+l.encode()
    return q+b'\0'+struct.pack('>HH',qt,1)
def ntp(): return bytes([0x23,0,6,0])+b'\0'*44
def record(op,data): return bytes([op])+struct.pack('<H',len(data))+data
DEVICE_IP = '192.168.1.100'
CLOUD = '52.0.0.10'
bringup=[record(1,arp('0.0.0.0','0.0.0.0')),
 record(1,eth(BROADCAST,DEVICE_MAC,0x0800,udp('0.0.0.0','255.255.255.255',68,67,dhcp(1)))), record(2,b'\1'),
 record(1,eth(BROADCAST,DEVICE_MAC,0x0800,udp('0.0.0.0','255.255.255.255',68,67,dhcp(3,DEVICE_IP,'192.168.1.1')))), record(2,b'\1'),
 record(1,arp(DEVICE_IP,'192.168.1.1'))]
net_seeds = {}
net_seeds['bringup']=bringup
net_seeds['dns']=bringup+[record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,udp(DEVICE_IP,'192.168.1.1',1024,53,dnsq('device.spark.io')))),
                      record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,udp(DEVICE_IP,'192.168.1.1',1025,53,dnsq('pool.ntp.org',28))))]
net_seeds['ntp_ping']=bringup+[record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,udp(DEVICE_IP,'52.0.0.123',4000,123,ntp()))),
                      record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,icmp(DEVICE_IP,'8.8.8.8',1)))]
tcpflow=bringup+[record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1000,0,0x02,mss=1460))), record(2,b'\0'),
 record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1001,2,0x10))),
 record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1001,42,0x18,b'x'*100))), record(2,b'\2'),
 record(4,b'y'*60),
 record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1101,102,0x11))), record(2,b'\3'),
 record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1102,103,0x10)))]
net_seeds['tcp']=tcpflow
net_seeds['tcp_server_close']=tcpflow[:10]+[record(5,b''),record(2,b'\x80'),record(1,eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1101,103,0x11)))]
net_seeds['tcp_abort']=tcpflow[:10]+[record(6,b''),record(2,b'\x10')]
net_seeds['rules']=[record(3,b'delay 100ms out udp dport 53'),record(3,b'loss 0.5 in'),record(3,b'corrupt 0.5 in tcp fix-checksum'),record(3,b'reject out udp dport 123')]+tcpflow+net_seeds['ntp_ping'][len(bringup):]
net_seeds['reject_tcp']=[record(3,b'reject in tcp sport 5683 limit 3'),record(3,b'rate 500 in')]+tcpflow
for k,v in net_seeds.items():
    open(os.path.join(OUT, 'net', k), 'wb').write(b''.join(v))
# parser seeds: the first byte selects the parser (see fuzz_net_parsers.c)
parser_seeds = {'frame_tcp':b'\0'+eth(GATEWAY_MAC,DEVICE_MAC,0x0800,tcp(DEVICE_IP,CLOUD,49152,5683,1000,0,0x02,mss=1460)),
    'frame_arp':b'\0'+arp(DEVICE_IP,'192.168.1.1'),
    'frame_udp':b'\0'+eth(GATEWAY_MAC,DEVICE_MAC,0x0800,udp(DEVICE_IP,'52.0.0.123',4000,123,ntp())),
    'dns':b'\1'+dnsq('device.spark.io'), 'dns2':b'\1'+dnsq('a.b.pool.ntp.org',28),
    'dhcp':b'\2'+dhcp(1), 'dhcp_req':b'\2'+dhcp(3,'192.168.1.100','192.168.1.1'),
    'ntp':b'\3'+ntp(), 'rule':b'\4reject out tcp from 10.0.0.0/8 to 52.0.0.10 sport 1-2 dport 5683 syn limit 3 label x',
    'rule2':b'\4corrupt 0.5 in udp fix-checksum', 'cidr':b'\x05192.168.1.0/24'}
for k,v in parser_seeds.items(): open(os.path.join(OUT, 'parsers', k), 'wb').write(v)

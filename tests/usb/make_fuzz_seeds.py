#!/usr/bin/env python3
"""Seed corpus for fuzz_usb_descriptors: the Photon's descriptors as the scripted device in
scripted_device.c returns them (device, the 9-byte configuration header and the whole CDC-ACM
configuration, the language list and UTF-16LE strings), plus a plain CDC-ACM function without
an IAD or union descriptor and a string with a surrogate pair.

    tests/usb/make_fuzz_seeds.py OUT_DIR     # writes one file per seed into OUT_DIR
"""
import os
import re
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else 'usb-fuzz-seeds'
os.makedirs(OUT, exist_ok=True)



def c_array(name):
    """The bytes of `const uint8_t NAME[N] = {...};` in scripted_device.c, so the
    Photon's descriptors are written down once."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scripted_device.c')
    with open(source) as f:
        match = re.search(r'const uint8_t %s\[\d+\] = \{(.*?)\};' % name, f.read(), re.S)
    if not match:
        sys.exit('%s: no array %s' % (source, name))
    return bytes(int(value, 0) for value in match.group(1).replace(',', ' ').split())


device = c_array('cdc_device_descriptor')
config = c_array('cdc_config_descriptor')
# interfaces 2 and 3, no IAD, no union: the data interface is the next number
plain_acm = bytes([
    0x09, 0x02, 0x30, 0x00, 0x02, 0x01, 0x00, 0x80, 0x32,
    0x09, 0x04, 0x02, 0x00, 0x01, 0x02, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x83, 0x03, 0x10, 0x00, 0x20,
    0x09, 0x04, 0x03, 0x00, 0x02, 0x0A, 0x00, 0x00, 0x00,
    0x07, 0x05, 0x02, 0x02, 0x00, 0x02, 0x00,
    0x07, 0x05, 0x84, 0x02, 0x00, 0x02, 0x00,
])


def string(text):
    data = text.encode('utf-16-le')
    return bytes([2 + len(data), 0x03]) + data


seeds = {
    'device': device,
    'config_header': config[:9],
    'config_cdc_acm': config,
    'config_plain_acm': plain_acm,
    'languages': bytes([0x04, 0x03, 0x09, 0x04]),
    'manufacturer': string('Acme'),
    'product': string('Photon'),
    'serial': bytes([0x0A, 0x03, ord('0'), 0, ord('1'), 0, 0xE9, 0, 0xAC, 0x20]),  # "01é€"
    'string_surrogates': string('a\U0001F600z'),
}
for name, data in seeds.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)

/*
 * A libpcap-format capture file (nanosecond timestamps, linktype Ethernet) that Wireshark
 * and tcpdump open.  Every field is written little-endian explicitly, so the same frames
 * at the same virtual times give the same bytes on every host.
 */
#ifndef NETSIM_PCAP_WRITER_H
#define NETSIM_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAP_MAGIC_NANOSECONDS 0xA1B23C4Du
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_SNAPLEN 65535u
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

typedef struct pcap_writer pcap_writer;

/* Create (truncate) path and write the file header.  NULL on failure with the reason. */
pcap_writer *pcap_writer_open(const char *path, char *error, size_t error_size);
/* Write to an already open stream; the writer does not close it. */
pcap_writer *pcap_writer_from_stream(FILE *stream, char *error, size_t error_size);
/* One record.  timestamp_ns is the absolute capture time (the Unix epoch is 0).
 * Returns 0, or -1 on a write error (the writer then stops writing). */
int pcap_writer_write(pcap_writer *writer, uint64_t timestamp_ns, const uint8_t *frame,
                      size_t len);
int pcap_writer_flush(pcap_writer *writer);
/* Flush, close the file if the writer opened it, free.  Returns -1 if any write failed. */
int pcap_writer_close(pcap_writer *writer);
uint64_t pcap_writer_records(const pcap_writer *writer);

#endif

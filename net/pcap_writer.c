#include "pcap_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pcap_writer {
    FILE *stream;
    int owns_stream;
    int failed;
    uint64_t records;
};

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int write_all(pcap_writer *w, const void *data, size_t len)
{
    if (w->failed)
        return -1;
    if (len && fwrite(data, 1, len, w->stream) != len) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

static pcap_writer *start(FILE *stream, int owns, char *error, size_t error_size)
{
    uint8_t header[PCAP_FILE_HEADER_LEN];
    pcap_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    w->stream = stream;
    w->owns_stream = owns;
    put_le32(header, PCAP_MAGIC_NANOSECONDS);
    put_le16(header + 4, 2); /* format version 2.4 */
    put_le16(header + 6, 4);
    put_le32(header + 8, 0);  /* thiszone: timestamps are already UTC */
    put_le32(header + 12, 0); /* sigfigs */
    put_le32(header + 16, PCAP_SNAPLEN);
    put_le32(header + 20, PCAP_LINKTYPE_ETHERNET);
    if (write_all(w, header, sizeof(header)) < 0) {
        snprintf(error, error_size, "cannot write the pcap header");
        if (owns)
            fclose(stream);
        free(w);
        return NULL;
    }
    return w;
}

pcap_writer *pcap_writer_open(const char *path, char *error, size_t error_size)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    return start(f, 1, error, error_size);
}

pcap_writer *pcap_writer_from_stream(FILE *stream, char *error, size_t error_size)
{
    if (!stream) {
        snprintf(error, error_size, "no stream");
        return NULL;
    }
    return start(stream, 0, error, error_size);
}

int pcap_writer_write(pcap_writer *w, uint64_t timestamp_ns, const uint8_t *frame, size_t len)
{
    uint8_t header[PCAP_RECORD_HEADER_LEN];
    size_t captured = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : len;
    uint64_t seconds = timestamp_ns / 1000000000u;

    if (!w)
        return -1;
    /* the classic format stores 32-bit seconds: good until 2106 */
    put_le32(header, (uint32_t)seconds);
    put_le32(header + 4, (uint32_t)(timestamp_ns % 1000000000u));
    put_le32(header + 8, (uint32_t)captured);
    put_le32(header + 12, (uint32_t)(len > 0xFFFFFFFFu ? 0xFFFFFFFFu : len));
    if (write_all(w, header, sizeof(header)) < 0 || write_all(w, frame, captured) < 0)
        return -1;
    w->records++;
    return 0;
}

int pcap_writer_flush(pcap_writer *w)
{
    if (!w || w->failed)
        return -1;
    if (fflush(w->stream) != 0) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

int pcap_writer_close(pcap_writer *w)
{
    int rc;
    if (!w)
        return 0;
    rc = pcap_writer_flush(w);
    if (w->owns_stream && fclose(w->stream) != 0)
        rc = -1;
    free(w);
    return rc;
}

uint64_t pcap_writer_records(const pcap_writer *w)
{
    return w ? w->records : 0;
}

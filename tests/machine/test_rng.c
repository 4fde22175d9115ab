/*
 * RNG: the firmware polls DRDY forever (reference §2.6) before srand(), key
 * generation and TLS; and a seeded run must be reproducible bit for bit.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "machine_test.h"

#define WORDS 16

static void read_words(const char *options, uint32_t words[WORDS])
{
    PhotonRun *run = photon_boot(options);

    WR32(run, RNG_CR, RNG_CR_RNGEN);
    for (int i = 0; i < WORDS; i++) {
        ck_assert_uint_eq(RD32(run, RNG_SR) & RNG_SR_DRDY, RNG_SR_DRDY);
        words[i] = RD32(run, RNG_DR);
    }
    photon_finish(run);
}

START_TEST(data_ready_only_while_enabled)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, RNG_CR), 0);
    ck_assert_uint_eq(RD32(run, RNG_SR), 0);
    WR32(run, RNG_CR, RNG_CR_RNGEN);
    /* DRDY and no clock or seed error (CECS, SECS). */
    ck_assert_uint_eq(RD32(run, RNG_SR), RNG_SR_DRDY);
    WR32(run, RNG_CR, 0);
    ck_assert_uint_eq(RD32(run, RNG_SR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(each_read_gives_a_fresh_word)
{
    uint32_t words[WORDS];
    unsigned repeats = 0;
    uint32_t ones = 0, zeros = 0;

    read_words("seed=1", words);
    for (int i = 1; i < WORDS; i++) {
        repeats += words[i] == words[i - 1];
    }
    for (int i = 0; i < WORDS; i++) {
        ones |= words[i];
        zeros |= ~words[i];
    }
    ck_assert_uint_eq(repeats, 0);
    /* Every bit position takes both values somewhere in 16 words. */
    ck_assert_uint_eq(ones, 0xFFFFFFFF);
    ck_assert_uint_eq(zeros, 0xFFFFFFFF);
}
END_TEST

START_TEST(same_seed_gives_the_same_sequence)
{
    uint32_t first[WORDS], second[WORDS];

    read_words("seed=12345", first);
    read_words("seed=12345", second);
    ck_assert_mem_eq(first, second, sizeof(first));
}
END_TEST

START_TEST(different_seeds_give_different_sequences)
{
    uint32_t a[WORDS], b[WORDS];
    int equal = 0;

    read_words("seed=12345", a);
    read_words("seed=12346", b);
    for (int i = 0; i < WORDS; i++) {
        equal += a[i] == b[i];
    }
    ck_assert_int_eq(equal, 0);
}
END_TEST

Suite *rng_suite(void)
{
    Suite *suite = suite_create("rng");
    TCase *tc = machine_tcase(suite, "rng");

    tcase_add_test(tc, data_ready_only_while_enabled);
    tcase_add_test(tc, each_read_gives_a_fresh_word);
    tcase_add_test(tc, same_seed_gives_the_same_sequence);
    tcase_add_test(tc, different_seeds_give_different_sequences);
    return suite;
}

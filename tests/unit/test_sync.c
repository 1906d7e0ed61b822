// SPDX-License-Identifier: GPL-2.0
/*
 * nat64-syncd's pieces without sockets: SHA-256 (FIPS 180-4 examples),
 * HMAC-SHA256 (RFC 4231 test cases), the handshake, and the records:
 * round trips, and flipped bits, replays, reordering, truncation and
 * bad lengths refused.
 */
#include <netinet/in.h>

#include "unit.h"
#include "sha256.h"
#include "syncproto.h"

static void hex(const char *s, uint8_t *out)
{
	unsigned int i, v;

	for (i = 0; s[2 * i]; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = v;
	}
}

static int digest_is(const uint8_t *d, const char *want)
{
	uint8_t w[SHA256_LEN];

	hex(want, w);
	return !memcmp(d, w, SHA256_LEN);
}

static void sha256_vectors(void)
{
	uint8_t d[SHA256_LEN], a[1001];
	struct sha256 c;
	int i;

	sha256("abc", 3, d);
	CHECK(digest_is(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	sha256("", 0, d);
	CHECK(digest_is(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	CHECK(digest_is(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	/* A million 'a', fed in uneven pieces. */
	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	for (i = 0; i < 1000; i++)
		sha256_update(&c, a, i % 2 ? 999 : 1001);
	sha256_final(&c, d);
	CHECK(digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	/* 55, 56, 63 and 64 bytes: the padding's edges, byte by byte. */
	for (i = 0; i < 4; i++) {
		static const int lens[4] = { 55, 56, 63, 64 };
		uint8_t d2[SHA256_LEN];
		int j;

		sha256(a, lens[i], d);
		sha256_init(&c);
		for (j = 0; j < lens[i]; j++)
			sha256_update(&c, a, 1);
		sha256_final(&c, d2);
		CHECK_MEM(d, d2, SHA256_LEN);
	}
	sha256(a, 64, d);
	CHECK(digest_is(d, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
}

static void hmac_vectors(void)
{
	uint8_t d[SHA256_LEN], key[131], data[50];
	struct hmac_sha256 h;

	/* RFC 4231 4.2 to 4.4, 4.7, 4.8. */
	memset(key, 0x0b, 20);
	hmac_sha256(key, 20, "Hi There", 8, d);
	CHECK(digest_is(d, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	CHECK(digest_is(d, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
	memset(key, 0xaa, sizeof(key));
	memset(data, 0xdd, sizeof(data));
	hmac_sha256(key, 20, data, 50, d);
	CHECK(digest_is(d, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
	hmac_sha256(key, 131,
		    "Test Using Larger Than Block-Size Key - Hash Key First",
		    54, d);
	CHECK(digest_is(d, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
	/* 4.8, in two parts. */
	hmac_sha256_init(&h, key, 131);
	hmac_sha256_update(&h, "This is a test using a larger than block-size"
			   " key and a larger than block-size data. ", 85);
	hmac_sha256_update(&h, "The key needs to be hashed before being used by"
			   " the HMAC algorithm.", 67);
	hmac_sha256_final(&h, d);
	CHECK(digest_is(d, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
}

static const char key[] = "0123456789abcdef-shared";

/* Both sides of a handshake; the keys they derive. */
static void handshake(struct sync_dir *c_out, struct sync_dir *c_in,
		      struct sync_dir *a_out, struct sync_dir *a_in)
{
	uint8_t nc[SYNC_NONCE_LEN], na[SYNC_NONCE_LEN], nc_a[SYNC_NONCE_LEN];
	uint8_t na_c[SYNC_NONCE_LEN], hello[SYNC_HELLO_LEN];
	uint8_t chal[SYNC_CHALLENGE_LEN], ans[SYNC_ANSWER_LEN];

	memset(nc, 1, sizeof(nc));
	memset(na, 2, sizeof(na));
	sync_hello(hello, nc);
	CHECK_EQ(sync_hello_parse(hello, nc_a), 0);
	CHECK_MEM(nc_a, nc, SYNC_NONCE_LEN);
	sync_challenge(key, sizeof(key) - 1, nc_a, na, chal);
	CHECK_EQ(sync_challenge_check(key, sizeof(key) - 1, nc, chal, na_c), 0);
	CHECK_MEM(na_c, na, SYNC_NONCE_LEN);
	sync_answer(key, sizeof(key) - 1, nc, na_c, ans);
	CHECK_EQ(sync_answer_check(key, sizeof(key) - 1, nc_a, na, ans), 0);
	sync_keys(key, sizeof(key) - 1, nc, na_c, c_out, c_in);
	sync_keys(key, sizeof(key) - 1, nc_a, na, a_in, a_out);
}

static void handshake_ok(void)
{
	struct sync_dir co, ci, ao, ai;

	handshake(&co, &ci, &ao, &ai);
	CHECK_MEM(co.key, ai.key, SHA256_LEN);
	CHECK_MEM(ci.key, ao.key, SHA256_LEN);
	CHECK(memcmp(co.key, ci.key, SHA256_LEN));
}

static void handshake_refused(void)
{
	uint8_t nc[SYNC_NONCE_LEN], na[SYNC_NONCE_LEN], out[SYNC_NONCE_LEN];
	uint8_t hello[SYNC_HELLO_LEN], chal[SYNC_CHALLENGE_LEN];
	uint8_t ans[SYNC_ANSWER_LEN];

	memset(nc, 1, sizeof(nc));
	memset(na, 2, sizeof(na));
	sync_hello(hello, nc);
	hello[4] = 2;		/* another version */
	CHECK_EQ(sync_hello_parse(hello, out), -1);
	hello[4] = SYNC_VERSION;
	hello[0] = 'X';
	CHECK_EQ(sync_hello_parse(hello, out), -1);
	/* Another key on either side. */
	sync_challenge("another key, 16+", 16, nc, na, chal);
	CHECK_EQ(sync_challenge_check(key, sizeof(key) - 1, nc, chal, out), -1);
	sync_challenge(key, sizeof(key) - 1, nc, na, chal);
	chal[10] ^= 1;		/* the acceptor's nonce changed */
	CHECK_EQ(sync_challenge_check(key, sizeof(key) - 1, nc, chal, out), -1);
	/* Our own nonce, reflected. */
	sync_challenge(key, sizeof(key) - 1, nc, nc, chal);
	CHECK_EQ(sync_challenge_check(key, sizeof(key) - 1, nc, chal, out), -1);
	sync_answer("another key, 16+", 16, nc, na, ans);
	CHECK_EQ(sync_answer_check(key, sizeof(key) - 1, nc, na, ans), -1);
	/* The acceptor's proof is no answer (labels differ). */
	sync_challenge(key, sizeof(key) - 1, nc, na, chal);
	CHECK_EQ(sync_answer_check(key, sizeof(key) - 1, nc, na,
				   chal + 5 + SYNC_NONCE_LEN), -1);
}

static struct sync_rec add_rec(void)
{
	struct sync_rec r = {
		.type = SYNC_ADD, .proto = IPPROTO_TCP, .state = 3,
		.addr6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 }, .port6 = 40000,
		.addr4 = { 198, 51, 100, 7 }, .port4 = 1025,
		.raddr4 = { 192, 0, 2, 1 }, .rport = 443,
		.expires_ms = 7440000, .rule = "wkp",
	};
	return r;
}

static void round_trip(void)
{
	struct sync_dir co, ci, ao, ai;
	struct sync_rec in[6], out;
	uint8_t buf[6 * SYNC_REC_MAX];
	size_t len = 0, n, used, off = 0;
	int i;

	handshake(&co, &ci, &ao, &ai);
	memset(in, 0, sizeof(in));
	in[0] = add_rec();
	in[1] = add_rec();
	in[1].type = SYNC_DEL;
	in[1].proto = IPPROTO_UDP;
	memset(in[1].addr4, 0, 4);
	in[1].port4 = 0;
	in[1].state = 0;
	in[1].expires_ms = 0;
	memset(in[1].rule, 0, sizeof(in[1].rule));
	in[2].type = SYNC_KEEPALIVE;
	in[2].time_ns = 0x0123456789abcdefULL;
	in[3].type = SYNC_BULK_START;
	in[4].type = SYNC_BULK_END;
	in[5].type = SYNC_RESYNC_REQUEST;
	for (i = 0; i < 6; i++) {
		n = sync_encode(&co, &in[i], buf + len, sizeof(buf) - len);
		CHECK(n > 0);
		len += n;
	}
	CHECK_EQ(len, 3 * 6 + 16 * 6 + SYNC_ADD_LEN * 2 - SYNC_ADD_LEN +
		 SYNC_DEL_LEN + SYNC_KEEPALIVE_LEN);
	for (i = 0; i < 6; i++) {
		CHECK_EQ(sync_decode(&ai, buf + off, len - off, &out, &used), 1);
		CHECK_MEM(&out, &in[i], sizeof(out));
		off += used;
	}
	CHECK_EQ(off, len);
	CHECK_EQ(sync_decode(&ai, buf + off, 0, &out, &used), 0);
	/* The other direction has its own key. */
	n = sync_encode(&ao, &in[0], buf, sizeof(buf));
	CHECK_EQ(sync_decode(&ci, buf, n, &out, &used), 1);
	n = sync_encode(&ao, &in[0], buf, sizeof(buf));
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), -1);
}

static void flipped_bits(void)
{
	struct sync_dir co, ci, ao, ai, d;
	struct sync_rec r = add_rec(), out;
	uint8_t buf[SYNC_REC_MAX], bad[SYNC_REC_MAX];
	size_t n, used, bit;
	int rc, refused = 0;

	handshake(&co, &ci, &ao, &ai);
	n = sync_encode(&co, &r, buf, sizeof(buf));
	CHECK_EQ(n, SYNC_REC_MAX);
	/* Every single bit flipped: refused, or (length) incomplete. */
	for (bit = 0; bit < n * 8; bit++) {
		memcpy(bad, buf, n);
		bad[bit / 8] ^= 1 << (bit % 8);
		d = ai;
		rc = sync_decode(&d, bad, n, &out, &used);
		CHECK(rc == -1);
		refused += rc == -1;
		CHECK_EQ(d.counter, 0);
	}
	CHECK_EQ(refused, n * 8);
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), 1);
}

static void replay_reorder(void)
{
	struct sync_dir co, ci, ao, ai, d;
	struct sync_rec r = add_rec(), out;
	uint8_t a[SYNC_REC_MAX], b[SYNC_REC_MAX];
	size_t na, nb, used;

	handshake(&co, &ci, &ao, &ai);
	na = sync_encode(&co, &r, a, sizeof(a));
	r.port6++;
	nb = sync_encode(&co, &r, b, sizeof(b));
	/* b before a: reordered (or a dropped). */
	d = ai;
	CHECK_EQ(sync_decode(&d, b, nb, &out, &used), -1);
	CHECK_EQ(sync_decode(&ai, a, na, &out, &used), 1);
	/* a again: replayed. */
	d = ai;
	CHECK_EQ(sync_decode(&d, a, na, &out, &used), -1);
	CHECK_EQ(sync_decode(&ai, b, nb, &out, &used), 1);
	CHECK_EQ(out.port6, 40001);
	/* A record of another connection (same key, other nonces). */
	CHECK_EQ(ai.counter, 2);
}

static void truncated(void)
{
	struct sync_dir co, ci, ao, ai;
	struct sync_rec r = add_rec(), out;
	uint8_t buf[SYNC_REC_MAX + 1];
	size_t n, i, used;

	handshake(&co, &ci, &ao, &ai);
	n = sync_encode(&co, &r, buf, sizeof(buf));
	/* Every prefix: more is needed, nothing taken. */
	for (i = 0; i < n; i++)
		CHECK_EQ(sync_decode(&ai, buf, i, &out, &used), 0);
	CHECK_EQ(ai.counter, 0);
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), 1);
	CHECK_EQ(used, n);
	/* Too small an output buffer: nothing encoded, counter kept. */
	CHECK_EQ(sync_encode(&co, &r, buf, n - 1), 0);
	CHECK_EQ(co.counter, 1);
}

static void bad_lengths(void)
{
	struct sync_dir co, ci, ao, ai, d;
	struct sync_rec r = { .type = SYNC_KEEPALIVE }, out;
	uint8_t buf[SYNC_REC_MAX * 2];
	size_t n, used;

	handshake(&co, &ci, &ao, &ai);
	n = sync_encode(&co, &r, buf, sizeof(buf));
	/* A length that is not the type's, longer or shorter. */
	d = ai;
	buf[1] = SYNC_KEEPALIVE_LEN + 1;
	CHECK_EQ(sync_decode(&d, buf, n, &out, &used), -1);
	buf[1] = SYNC_KEEPALIVE_LEN - 1;
	CHECK_EQ(sync_decode(&d, buf, n, &out, &used), -1);
	buf[0] = 0xff;
	buf[1] = SYNC_KEEPALIVE_LEN;
	CHECK_EQ(sync_decode(&d, buf, 3, &out, &used), -1);
	buf[0] = 0;
	/* Unknown types, either way. */
	buf[2] = 0;
	CHECK_EQ(sync_decode(&d, buf, n, &out, &used), -1);
	buf[2] = SYNC_RESYNC_REQUEST + 1;
	CHECK_EQ(sync_decode(&d, buf, n, &out, &used), -1);
	r.type = 99;
	CHECK_EQ(sync_encode(&co, &r, buf, sizeof(buf)), 0);
	/* An ADD whose rule name is too long: cut to 15 and a NUL. */
	co.counter = ai.counter = 0;
	r = add_rec();
	memset(r.rule, 'x', sizeof(r.rule));
	n = sync_encode(&co, &r, buf, sizeof(buf));
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), 1);
	CHECK_EQ(strlen(out.rule), 15);
	/* Empty, or not terminated (a MAC made over it all the same). */
	r.rule[0] = 0;
	n = sync_encode(&co, &r, buf, sizeof(buf));
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), -1);
	/* Not terminated, with its MAC made by hand: refused. */
	ai.counter = 0;
	r = add_rec();
	d = co;
	d.counter = 0;
	n = sync_encode(&d, &r, buf, sizeof(buf));
	memset(buf + SYNC_HDR_LEN + 36, 'x', SYNC_NAME_LEN);
	{
		uint8_t ctr[8] = { 0 }, mac[SHA256_LEN];
		struct hmac_sha256 h;

		hmac_sha256_init(&h, d.key, sizeof(d.key));
		hmac_sha256_update(&h, ctr, 8);
		hmac_sha256_update(&h, buf, SYNC_HDR_LEN + SYNC_ADD_LEN);
		hmac_sha256_final(&h, mac);
		memcpy(buf + SYNC_HDR_LEN + SYNC_ADD_LEN, mac, SYNC_MAC_LEN);
	}
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), -1);
	/* Terminated again, but not what the MAC was made over. */
	buf[SYNC_HDR_LEN + 36 + 15] = 0;
	CHECK_EQ(sync_decode(&ai, buf, n, &out, &used), -1);
}

UNIT_MAIN(T(sha256_vectors), T(hmac_vectors), T(handshake_ok),
	  T(handshake_refused), T(round_trip), T(flipped_bits),
	  T(replay_reorder), T(truncated), T(bad_lengths))

// SPDX-License-Identifier: GPL-2.0
/* nat64-syncd's wire protocol: see syncproto.h. */
#include <string.h>

#include "syncproto.h"

static const uint8_t magic[4] = { 'N', '6', '4', 'S' };

int sync_mac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return !d;
}

/* HMAC(key, label nonce_c nonce_a): the handshake's proofs and keys. */
static void labelled(const void *key, size_t klen, const char *label,
		     const uint8_t *nonce_c, const uint8_t *nonce_a,
		     uint8_t out[SHA256_LEN])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, klen);
	hmac_sha256_update(&h, label, strlen(label));
	hmac_sha256_update(&h, nonce_c, SYNC_NONCE_LEN);
	hmac_sha256_update(&h, nonce_a, SYNC_NONCE_LEN);
	hmac_sha256_final(&h, out);
}

void sync_hello(uint8_t out[SYNC_HELLO_LEN],
		const uint8_t nonce_c[SYNC_NONCE_LEN])
{
	memcpy(out, magic, 4);
	out[4] = SYNC_VERSION;
	memcpy(out + 5, nonce_c, SYNC_NONCE_LEN);
}

int sync_hello_parse(const uint8_t in[SYNC_HELLO_LEN],
		     uint8_t nonce_c[SYNC_NONCE_LEN])
{
	if (memcmp(in, magic, 4) || in[4] != SYNC_VERSION)
		return -1;
	memcpy(nonce_c, in + 5, SYNC_NONCE_LEN);
	return 0;
}

void sync_challenge(const void *key, size_t klen,
		    const uint8_t nonce_c[SYNC_NONCE_LEN],
		    const uint8_t nonce_a[SYNC_NONCE_LEN],
		    uint8_t out[SYNC_CHALLENGE_LEN])
{
	memcpy(out, magic, 4);
	out[4] = SYNC_VERSION;
	memcpy(out + 5, nonce_a, SYNC_NONCE_LEN);
	labelled(key, klen, "acceptor", nonce_c, nonce_a,
		 out + 5 + SYNC_NONCE_LEN);
}

int sync_challenge_check(const void *key, size_t klen,
			 const uint8_t nonce_c[SYNC_NONCE_LEN],
			 const uint8_t in[SYNC_CHALLENGE_LEN],
			 uint8_t nonce_a[SYNC_NONCE_LEN])
{
	uint8_t mac[SHA256_LEN];

	if (memcmp(in, magic, 4) || in[4] != SYNC_VERSION)
		return -1;
	/* Our own nonce reflected: someone replaying us to ourselves. */
	if (!memcmp(in + 5, nonce_c, SYNC_NONCE_LEN))
		return -1;
	labelled(key, klen, "acceptor", nonce_c, in + 5, mac);
	if (!sync_mac_equal(mac, in + 5 + SYNC_NONCE_LEN, SHA256_LEN))
		return -1;
	memcpy(nonce_a, in + 5, SYNC_NONCE_LEN);
	return 0;
}

void sync_answer(const void *key, size_t klen,
		 const uint8_t nonce_c[SYNC_NONCE_LEN],
		 const uint8_t nonce_a[SYNC_NONCE_LEN],
		 uint8_t out[SYNC_ANSWER_LEN])
{
	labelled(key, klen, "connector", nonce_c, nonce_a, out);
}

int sync_answer_check(const void *key, size_t klen,
		      const uint8_t nonce_c[SYNC_NONCE_LEN],
		      const uint8_t nonce_a[SYNC_NONCE_LEN],
		      const uint8_t in[SYNC_ANSWER_LEN])
{
	uint8_t mac[SHA256_LEN];

	labelled(key, klen, "connector", nonce_c, nonce_a, mac);
	return sync_mac_equal(mac, in, SHA256_LEN) ? 0 : -1;
}

void sync_keys(const void *key, size_t klen,
	       const uint8_t nonce_c[SYNC_NONCE_LEN],
	       const uint8_t nonce_a[SYNC_NONCE_LEN],
	       struct sync_dir *c2s, struct sync_dir *s2c)
{
	labelled(key, klen, "c2s", nonce_c, nonce_a, c2s->key);
	labelled(key, klen, "s2c", nonce_c, nonce_a, s2c->key);
	c2s->counter = 0;
	s2c->counter = 0;
}

/* The payload length of a type: -1 for an unknown type. */
static int payload_len(uint8_t type)
{
	switch (type) {
	case SYNC_ADD:
		return SYNC_ADD_LEN;
	case SYNC_DEL:
		return SYNC_DEL_LEN;
	case SYNC_KEEPALIVE:
		return SYNC_KEEPALIVE_LEN;
	case SYNC_BULK_START:
	case SYNC_BULK_END:
	case SYNC_RESYNC_REQUEST:
		return 0;
	}
	return -1;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	return put32(p + 4, v);
}

static uint8_t *putn(uint8_t *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* The MAC of the record of @d's current counter at @rec (header, payload). */
static void rec_mac(const struct sync_dir *d, const uint8_t *rec, size_t len,
		    uint8_t out[SHA256_LEN])
{
	struct hmac_sha256 h;
	uint8_t ctr[8];

	put64(ctr, d->counter);
	hmac_sha256_init(&h, d->key, sizeof(d->key));
	hmac_sha256_update(&h, ctr, sizeof(ctr));
	hmac_sha256_update(&h, rec, len);
	hmac_sha256_final(&h, out);
}

size_t sync_encode(struct sync_dir *d, const struct sync_rec *r,
		   uint8_t *out, size_t size)
{
	int plen = payload_len(r->type);
	uint8_t mac[SHA256_LEN], *p;
	size_t len;

	if (plen < 0)
		return 0;
	len = SYNC_HDR_LEN + plen + SYNC_MAC_LEN;
	if (size < len)
		return 0;
	p = put16(out, plen);
	*p++ = r->type;
	switch (r->type) {
	case SYNC_ADD:
		*p++ = r->proto;
		*p++ = r->state;
		p = putn(p, r->addr6, 16);
		p = put16(p, r->port6);
		p = putn(p, r->addr4, 4);
		p = put16(p, r->port4);
		p = putn(p, r->raddr4, 4);
		p = put16(p, r->rport);
		p = put32(p, r->expires_ms);
		memset(p, 0, SYNC_NAME_LEN);
		memcpy(p, r->rule, strnlen(r->rule, SYNC_NAME_LEN - 1));
		p += SYNC_NAME_LEN;
		break;
	case SYNC_DEL:
		*p++ = r->proto;
		p = putn(p, r->addr6, 16);
		p = put16(p, r->port6);
		p = putn(p, r->raddr4, 4);
		p = put16(p, r->rport);
		break;
	case SYNC_KEEPALIVE:
		p = put64(p, r->time_ns);
		break;
	}
	rec_mac(d, out, p - out, mac);
	memcpy(p, mac, SYNC_MAC_LEN);
	d->counter++;
	return len;
}

int sync_decode(struct sync_dir *d, const uint8_t *in, size_t len,
		struct sync_rec *r, size_t *used)
{
	uint8_t mac[SHA256_LEN];
	const uint8_t *p;
	size_t plen;

	if (len < SYNC_HDR_LEN)
		return 0;
	plen = get16(in);
	/* Checked before waiting for more: a bad length never completes. */
	if (payload_len(in[2]) < 0 || (size_t)payload_len(in[2]) != plen)
		return -1;
	if (len < SYNC_HDR_LEN + plen + SYNC_MAC_LEN)
		return 0;
	rec_mac(d, in, SYNC_HDR_LEN + plen, mac);
	if (!sync_mac_equal(mac, in + SYNC_HDR_LEN + plen, SYNC_MAC_LEN))
		return -1;
	memset(r, 0, sizeof(*r));
	r->type = in[2];
	p = in + SYNC_HDR_LEN;
	switch (r->type) {
	case SYNC_ADD:
		r->proto = *p++;
		r->state = *p++;
		memcpy(r->addr6, p, 16);
		r->port6 = get16(p + 16);
		memcpy(r->addr4, p + 18, 4);
		r->port4 = get16(p + 22);
		memcpy(r->raddr4, p + 24, 4);
		r->rport = get16(p + 28);
		r->expires_ms = get32(p + 30);
		memcpy(r->rule, p + 34, SYNC_NAME_LEN);
		if (r->rule[SYNC_NAME_LEN - 1] || !r->rule[0])
			return -1;
		break;
	case SYNC_DEL:
		r->proto = *p++;
		memcpy(r->addr6, p, 16);
		r->port6 = get16(p + 16);
		memcpy(r->raddr4, p + 18, 4);
		r->rport = get16(p + 22);
		break;
	case SYNC_KEEPALIVE:
		r->time_ns = get64(p);
		break;
	}
	d->counter++;
	*used = SYNC_HDR_LEN + plen + SYNC_MAC_LEN;
	return 1;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nat64-syncd's wire protocol, version 1: the handshake and the records,
 * encoded, decoded and authenticated (no sockets here).
 *
 * Over TCP, the connector (the sender of state) and the acceptor:
 *   connector: HELLO     "N64S", u8 version, nonce_c[16]
 *   acceptor:  CHALLENGE "N64S", u8 version, nonce_a[16],
 *              HMAC(key, "acceptor" nonce_c nonce_a)
 *   connector: ANSWER    HMAC(key, "connector" nonce_c nonce_a)
 * then records both ways, each
 *   u16 length (of the payload), u8 type, payload,
 *   HMAC(k, u64 counter, u16 length, u8 type, payload), first 16 bytes
 * with k = HMAC(key, "c2s" or "s2c" nonce_c nonce_a) for its direction
 * and the counter the number of records sent before it that way (not
 * sent: a replayed, reordered, dropped or truncated record fails).
 * Numbers are big endian.
 */
#ifndef NAT64_SYNCPROTO_H
#define NAT64_SYNCPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define SYNC_PORT		6464
#define SYNC_VERSION		1
#define SYNC_NONCE_LEN		16
#define SYNC_MAC_LEN		16	/* of a record */
#define SYNC_NAME_LEN		16	/* rule names, NUL-padded */
#define SYNC_HELLO_LEN		(4 + 1 + SYNC_NONCE_LEN)
#define SYNC_CHALLENGE_LEN	(4 + 1 + SYNC_NONCE_LEN + SHA256_LEN)
#define SYNC_ANSWER_LEN		SHA256_LEN
#define SYNC_KEY_MIN		16	/* bytes of shared secret, at least */
#define SYNC_HDR_LEN		3	/* length, type */
#define SYNC_ADD_LEN		52	/* payloads */
#define SYNC_DEL_LEN		25
#define SYNC_KEEPALIVE_LEN	8
#define SYNC_REC_MAX		(SYNC_HDR_LEN + SYNC_ADD_LEN + SYNC_MAC_LEN)

#define SYNC_STATE_NONE		0xff	/* ADD: the kernel's default state */
#define SYNC_EXPIRES_NONE	0xffffffffu	/* ... and expiry */

enum sync_type {
	SYNC_ADD = 1,		/* make or refresh a session */
	SYNC_DEL,		/* remove one */
	SYNC_KEEPALIVE,		/* idle sender, with its clock */
	SYNC_BULK_START,	/* a full resync begins */
	SYNC_BULK_END,		/* ... and is complete */
	SYNC_RESYNC_REQUEST,	/* receiver to sender: all of it again */
};

/* A record, ports in host order, addresses in network order. */
struct sync_rec {
	uint8_t type;
	uint8_t proto;		/* IPPROTO_TCP, _UDP, _ICMPV6 */
	uint8_t state;		/* ADD: SYNC_STATE_NONE or the TCP state */
	uint8_t addr6[16];
	uint16_t port6;
	uint8_t addr4[4];	/* ADD */
	uint16_t port4;		/* ADD */
	uint8_t raddr4[4];
	uint16_t rport;
	uint32_t expires_ms;	/* ADD: SYNC_EXPIRES_NONE or ms */
	char rule[SYNC_NAME_LEN];	/* ADD, NUL-terminated */
	uint64_t time_ns;	/* KEEPALIVE: sender's CLOCK_REALTIME */
};

/* One direction of a connection: its key and its record counter. */
struct sync_dir {
	uint8_t key[SHA256_LEN];
	uint64_t counter;
};

void sync_hello(uint8_t out[SYNC_HELLO_LEN],
		const uint8_t nonce_c[SYNC_NONCE_LEN]);
/* 0 with the connector's nonce, or -1: not a version 1 HELLO. */
int sync_hello_parse(const uint8_t in[SYNC_HELLO_LEN],
		     uint8_t nonce_c[SYNC_NONCE_LEN]);
void sync_challenge(const void *key, size_t klen,
		    const uint8_t nonce_c[SYNC_NONCE_LEN],
		    const uint8_t nonce_a[SYNC_NONCE_LEN],
		    uint8_t out[SYNC_CHALLENGE_LEN]);
/* 0 with the acceptor's nonce, or -1: not the acceptor's, or garbage. */
int sync_challenge_check(const void *key, size_t klen,
			 const uint8_t nonce_c[SYNC_NONCE_LEN],
			 const uint8_t in[SYNC_CHALLENGE_LEN],
			 uint8_t nonce_a[SYNC_NONCE_LEN]);
void sync_answer(const void *key, size_t klen,
		 const uint8_t nonce_c[SYNC_NONCE_LEN],
		 const uint8_t nonce_a[SYNC_NONCE_LEN],
		 uint8_t out[SYNC_ANSWER_LEN]);
int sync_answer_check(const void *key, size_t klen,
		      const uint8_t nonce_c[SYNC_NONCE_LEN],
		      const uint8_t nonce_a[SYNC_NONCE_LEN],
		      const uint8_t in[SYNC_ANSWER_LEN]);
/* Both directions' keys, counters at 0. */
void sync_keys(const void *key, size_t klen,
	       const uint8_t nonce_c[SYNC_NONCE_LEN],
	       const uint8_t nonce_a[SYNC_NONCE_LEN],
	       struct sync_dir *c2s, struct sync_dir *s2c);

/*
 * @r as the next record of @d into @out (SYNC_REC_MAX bytes fit any):
 * its length, or 0 (unknown type, or @size too small).
 */
size_t sync_encode(struct sync_dir *d, const struct sync_rec *r,
		   uint8_t *out, size_t size);
/*
 * The next record of @d from the @len bytes at @in: 1 with *@r and
 * *@used (its bytes), 0 if more bytes are needed, -1 if it is bad
 * (unknown type, wrong length, MAC, rule name not terminated): the
 * connection is then to be closed.
 */
int sync_decode(struct sync_dir *d, const uint8_t *in, size_t len,
		struct sync_rec *r, size_t *used);

/* Equal, in time independent of where they differ. */
int sync_mac_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif

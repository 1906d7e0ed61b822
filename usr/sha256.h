/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for nat64-syncd. */
#ifndef NAT64_SHA256_H
#define NAT64_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_BLOCK	64

struct sha256 {
	uint32_t h[8];
	uint64_t len;			/* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK];
	size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* HMAC-SHA256, fed in parts: init with the key, update, final. */
struct hmac_sha256 {
	struct sha256 inner;
	uint8_t okey[SHA256_BLOCK];	/* key ^ opad */
};

void hmac_sha256_init(struct hmac_sha256 *c, const void *key, size_t klen);
void hmac_sha256_update(struct hmac_sha256 *c, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256 *c, uint8_t out[SHA256_LEN]);
void hmac_sha256(const void *key, size_t klen, const void *data, size_t len,
		 uint8_t out[SHA256_LEN]);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors around any inner packet: the input is the inner packet and
 * the type, code and rest-of-header of the error; the outer IPv6 or IPv4
 * header is made consistent so that parsing reaches the inner packet.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, bool v6)
{
	u32 hl = v6 ? XL_IP6_HLEN : XL_IP4_HLEN, len, cap;
	struct xl_pkt p;
	u8 *pkt;

	/* data: cap (2), ICMP type, code, rest-of-header (4), inner... */
	cap = (u32)data[0] << 8 | data[1];
	len = hl + 8 + (u32)size - 8;
	pkt = calloc(1, len);
	if (v6) {
		pkt[0] = 0x60;
		pkt[4] = (len - hl) >> 8;
		pkt[5] = (len - hl) & 0xff;
		pkt[6] = 58;
		pkt[7] = 64;
		pkt[8] = 0x20;		/* 2001:db8::1 -> 64:ff9b::c000:202 */
		pkt[9] = 0x01;
		pkt[10] = 0x0d;
		pkt[11] = 0xb8;
		pkt[23] = 1;
		pkt[25] = 0x64;
		pkt[26] = 0xff;
		pkt[27] = 0x9b;
		pkt[36] = 192;
		pkt[38] = 2;
		pkt[39] = 2;
	} else {
		pkt[0] = 0x45;
		pkt[2] = len >> 8;
		pkt[3] = len & 0xff;
		pkt[8] = 64;
		pkt[9] = 1;
		pkt[12] = 192;
		pkt[14] = 2;
		pkt[15] = 2;
		pkt[16] = 198;
		pkt[17] = 51;
		pkt[18] = 100;
		pkt[19] = 1;
	}
	pkt[hl] = data[2];
	pkt[hl + 1] = data[3];
	memcpy(pkt + hl + 4, data + 4, 4);
	memcpy(pkt + hl + 8, data + 8, size - 8);
	if (fuzz_parse(v6 ? xl_parse6 : xl_parse4, pkt, len, hl, &p) ==
	    XL_OK)
		fuzz_translate(&p, pkt, len, v6, cap);
	free(pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8 || size > 66000)
		return 0;
	one(data, size, true);
	one(data, size, false);
	return 0;
}

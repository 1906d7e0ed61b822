// SPDX-License-Identifier: GPL-2.0
/* IPv6 packets, any bytes: parse, then translate queries or errors. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xl_pkt p;
	u8 *pkt;
	u32 cap;

	/* First two bytes: the error buffer's room; then the packet. */
	if (size < 2 || size > 70000)
		return 0;
	cap = (u32)data[0] << 8 | data[1];
	pkt = malloc(size - 2 ? size - 2 : 1);
	memcpy(pkt, data + 2, size - 2);
	if (fuzz_parse(xl_parse6, pkt, (u32)size - 2, 40, &p) == XL_OK)
		fuzz_translate(&p, pkt, (u32)size - 2, true, cap);
	free(pkt);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* IPv4 packets, any bytes: parse, then translate queries or errors. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_packet(data, size, xl_parse4, 20, false);
}

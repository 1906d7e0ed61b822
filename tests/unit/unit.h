/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit test harness for the pure core. Each test is a function;
 * CHECK() records a failure and goes on. main() comes from UNIT_MAIN().
 * Output: "ok NAME" or "FAIL NAME" per test, then "N passed, N failed".
 */
#ifndef _NAT64_UNIT_H
#define _NAT64_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_checks;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
			unit_failed_checks++;				\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			fprintf(stderr, "  %s:%d: %s == %lld, want %lld\n", \
				__FILE__, __LINE__, #a, _a, _b);	\
			unit_failed_checks++;				\
		}							\
	} while (0)

#define CHECK_MEM(a, b, n)						\
	do {								\
		if (memcmp((a), (b), (n))) {				\
			fprintf(stderr, "  %s:%d: %s != %s\n",		\
				__FILE__, __LINE__, #a, #b);		\
			unit_failed_checks++;				\
		}							\
	} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_MAIN(...)							\
int main(void)								\
{									\
	static const struct unit_test tests[] = { __VA_ARGS__ };	\
	unsigned int i, passed = 0, failed = 0;				\
									\
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {	\
		int before = unit_failed_checks;			\
									\
		tests[i].fn();						\
		if (unit_failed_checks == before) {			\
			printf("ok %s\n", tests[i].name);		\
			passed++;					\
		} else {						\
			printf("FAIL %s\n", tests[i].name);		\
			failed++;					\
		}							\
	}								\
	printf("%u passed, %u failed\n", passed, failed);		\
	return failed ? 1 : 0;						\
}

#define T(fn) { #fn, fn }

#endif /* _NAT64_UNIT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for faults.sh: make the Nth fault-injection point
 * (failslab, fail_page_alloc) that the Kth sendmsg() of a program
 * reaches fail, through /proc/thread-self/fail-nth. A netlink request is
 * handled inside the sendmsg() that sends it, so for nat64ctl this fails
 * the Nth allocation made for its Kth request (the first one asks for the
 * family id).
 *
 *   FAILNTH="K N"      which call, which point (none if unset)
 *   FAILNTH_OUT=FILE   written at exit: "CALLS HIT", the number of
 *                      sendmsg() calls made and 1 if the failure was
 *                      injected, 0 if call K reached fewer than N points
 *
 * Built by faults.sh in the guest: cc -shared -fPIC -o failnth.so
 * failnth.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned int calls;
static int hit;

static int put_nth(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

ssize_t sendmsg(int sock, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	const char *spec = getenv("FAILNTH");
	unsigned int k, n;
	char buf[16] = "";
	ssize_t ret;
	int fd, err;

	if (!real)
		real = (ssize_t (*)(int, const struct msghdr *, int))
			dlsym(RTLD_NEXT, "sendmsg");
	calls++;
	if (!spec || sscanf(spec, "%u %u", &k, &n) != 2 || k != calls || !n)
		return real(sock, msg, flags);

	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0 || put_nth(fd, n)) {
		perror("failnth: /proc/thread-self/fail-nth");
		exit(125);
	}
	ret = real(sock, msg, flags);
	err = errno;
	/* What is left of the count: 0 once the failure was injected. */
	if (pread(fd, buf, sizeof(buf) - 1, 0) > 0)
		hit = strtoul(buf, NULL, 10) == 0;
	put_nth(fd, 0);
	close(fd);
	errno = err;
	return ret;
}

__attribute__((destructor)) static void failnth_report(void)
{
	const char *out = getenv("FAILNTH_OUT");
	FILE *f;

	if (!out)
		return;
	f = fopen(out, "w");
	if (f) {
		fprintf(f, "%u %d\n", calls, hit);
		fclose(f);
	}
}

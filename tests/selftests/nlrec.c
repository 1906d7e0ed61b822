// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for faults.sh: record the messages a program sends with
 * sendmsg() (nat64ctl's netlink requests, the family lookup first) to
 * the file NLREC names, each as a u32 length in host order and the bytes,
 * for failreplay.py to send again.
 *
 * Built by faults.sh in the guest: cc -shared -fPIC -o nlrec.so nlrec.c
 * -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int record(const struct msghdr *msg)
{
	const char *path = getenv("NLREC");
	uint32_t len = 0;
	size_t i;
	int fd;

	if (!path)
		return 0;
	for (i = 0; i < msg->msg_iovlen; i++)
		len += msg->msg_iov[i].iov_len;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || write(fd, &len, sizeof(len)) != sizeof(len))
		goto fail;
	for (i = 0; i < msg->msg_iovlen; i++)
		if (write(fd, msg->msg_iov[i].iov_base,
			  msg->msg_iov[i].iov_len) !=
		    (ssize_t)msg->msg_iov[i].iov_len)
			goto fail;
	close(fd);
	return 0;
fail:
	perror("nlrec");
	if (fd >= 0)
		close(fd);
	return -1;
}

ssize_t sendmsg(int sock, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);

	if (!real)
		real = (ssize_t (*)(int, const struct msghdr *, int))
			dlsym(RTLD_NEXT, "sendmsg");
	if (record(msg)) {
		errno = EIO;
		return -1;
	}
	return real(sock, msg, flags);
}

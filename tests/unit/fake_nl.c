// SPDX-License-Identifier: GPL-2.0
/*
 * usr/nl.c's interface without the nat64 module, for test_syncd.sh: two
 * nat64-syncd on localhost. A generic netlink socket talks to a family
 * that does not exist (each request is answered -ENOENT, as a kernel
 * refusal would be); session dumps give the sessions of the file that
 * $FAKE_SESSIONS names, one "PROTO ADDR6 PORT6 ADDR4 PORT4 RADDR4 RPORT
 * RULE" a line; no events come.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "nl.h"

const char *ctl_prog = "nat64ctl";

struct ctl_nl {
	struct nl_sock *sk;
};

struct ctl_nl *ctl_nl_open(void)
{
	struct ctl_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		free(nl);
		return NULL;
	}
	return nl;
}

void ctl_nl_close(struct ctl_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *ctl_nl_msg(struct ctl_nl *nl, int cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	(void)nl;
	/* A family id no family has: the kernel answers -ENOENT. */
	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x7ff0, 0,
				dump ? NLM_F_DUMP : NLM_F_ACK, (uint8_t)cmd,
				NAT64_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* One session of the file to @fn, as a dump reply's attributes. */
static void fake_session(char *line, ctl_reply_fn fn, void *arg)
{
	char a6[64], a4[32], r4[32], rule[32];
	unsigned int proto, p6, p4, rp;
	struct nlattr *tb[NAT64_A_MAX + 1], *s;
	struct in6_addr x6;
	struct in_addr x4, y4;
	struct nl_msg *msg;

	if (sscanf(line, "%u %63s %u %31s %u %31s %u %31s", &proto, a6, &p6,
		   a4, &p4, r4, &rp, rule) != 8 ||
	    inet_pton(AF_INET6, a6, &x6) != 1 ||
	    inet_pton(AF_INET, a4, &x4) != 1 ||
	    inet_pton(AF_INET, r4, &y4) != 1)
		return;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, 0, 0, 0x7ff0, 0, 0, NAT64_CMD_SESSION_GET,
				 1))
		goto out;
	s = nla_nest_start(msg, NAT64_A_SESSION);
	nla_put_u8(msg, NAT64_SESSION_A_PROTO, proto);
	nla_put(msg, NAT64_SESSION_A_ADDR6, 16, &x6);
	nla_put_u16(msg, NAT64_SESSION_A_PORT6, p6);
	nla_put(msg, NAT64_SESSION_A_ADDR4, 4, &x4);
	nla_put_u16(msg, NAT64_SESSION_A_PORT4, p4);
	nla_put(msg, NAT64_SESSION_A_RADDR4, 4, &y4);
	nla_put_u16(msg, NAT64_SESSION_A_RPORT, rp);
	nla_put_u8(msg, NAT64_SESSION_A_STATE, 3);
	nla_put_u32(msg, NAT64_SESSION_A_EXPIRES_MS, 60000);
	nla_put_string(msg, NAT64_SESSION_A_RULE, rule);
	nla_nest_end(msg, s);
	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, NAT64_A_MAX, NULL))
		fn(tb, arg);
out:
	nlmsg_free(msg);
}

int ctl_nl_run(struct ctl_nl *nl, struct nl_msg *msg, ctl_reply_fn fn,
	       void *arg, const char *what)
{
	struct genlmsghdr *g = msg ? nlmsg_data(nlmsg_hdr(msg)) : NULL;
	const char *path = getenv("FAKE_SESSIONS");
	char line[512];
	FILE *f;

	(void)nl;
	(void)what;
	if (g && g->cmd == NAT64_CMD_SESSION_GET && path &&
	    (f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f))
			fake_session(line, fn, arg);
		fclose(f);
	}
	nlmsg_free(msg);
	return 0;
}

int ctl_nl_join(struct ctl_nl *nl, const char *what, int rcvbuf)
{
	(void)what;
	(void)rcvbuf;
	nl_socket_set_nonblocking(nl->sk);
	return 0;
}

struct nl_sock *ctl_nl_sock(struct ctl_nl *nl)
{
	return nl->sk;
}

int ctl_nl_drain(struct ctl_nl *nl, ctl_reply_fn fn, void *arg,
		 volatile int *stop, unsigned long long *overflows)
{
	(void)nl;
	(void)fn;
	(void)arg;
	(void)stop;
	(void)overflows;
	return 0;
}

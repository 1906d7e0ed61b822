/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nat64ctl: command-line arguments into plain structs. No netlink here,
 * so that the parsers are unit-tested on their own.
 */
#ifndef NAT64CTL_PARSE_H
#define NAT64CTL_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "uapi/nat64.h"

struct ctl_pool {
	char name[NAT64_NAME_MAX];
	struct in_addr addr;
	unsigned int plen;		/* ADDR/LEN ... */
	bool is_range;			/* ... or ADDR-LAST */
	struct in_addr last;
	bool has_ports;
	unsigned int port_lo, port_hi;
	unsigned int protos;		/* NAT64_PROTO_F_*; 0: not given */
	int alloc;			/* enum nat64_alloc; -1: not given */
	bool has_from;			/* deterministic: from PREFIX6/LEN */
	struct in6_addr from;
	unsigned int from_plen;
	unsigned int blk_size;		/* alloc block SIZE */
	unsigned int blk_max;		/* max-blocks N; 0: not given */
	long blk_timeout;		/* block-timeout S; -1: not given */
	long blk_interim;		/* interim S; -1: not given */
	bool quiet;
	bool peer;			/* another translator's share */
};

struct ctl_rule {
	char name[NAT64_NAME_MAX];
	struct in6_addr prefix;
	unsigned int plen;
	char pool[NAT64_NAME_MAX];
	bool has_src;
	struct in6_addr src;
	unsigned int src_plen;
};

/* A static BIB entry: PROTO [ADDR6]:PORT ADDR4:PORT */
struct ctl_bib {
	unsigned int ipproto;		/* IPPROTO_TCP, _UDP, _ICMPV6 */
	struct in6_addr addr6;
	unsigned int port6;
	struct in_addr addr4;
	unsigned int port4;
};

/* Timeouts of `set timeout NAME SECONDS`, in this order. */
enum {
	CTL_TO_UDP, CTL_TO_TCP_EST, CTL_TO_TCP_TRANS, CTL_TO_ICMP, CTL_TO_SYN,
	CTL_TO_N
};
extern const char *const ctl_timeout_names[CTL_TO_N];

/* Settings for `set`; negative means not given. */
struct ctl_config {
	int clear_df;
	int reset_tos;
	long lowest_ipv6_mtu;
	long timeout[CTL_TO_N];		/* seconds */
	int filtering;			/* enum nat64_filtering */
	int drop_ext_tcp;
	long limit_sessions;
	long limit_ports;
	long limit_sess_map;
	long limit_sess_sub;
	long subscriber_plen;
	long max_stored_syns;
	int mode;			/* enum nat64_mode */
	int log_mappings;
	int log_destinations;
	bool below_rfc;			/* timeouts below RFC 6146 allowed */
};

/* A denied IPv4 network: ADDR[/LEN] */
struct ctl_deny {
	struct in_addr addr;
	unsigned int plen;
};

/* Each returns 0, or -1 with a one-line message in @err. */
int parse_name(const char *s, char out[NAT64_NAME_MAX], char *err,
	       size_t errlen);
int parse_pool_add(int argc, char **argv, struct ctl_pool *p, char *err,
		   size_t errlen);
int parse_rule_add(int argc, char **argv, struct ctl_rule *r, char *err,
		   size_t errlen);
int parse_set(int argc, char **argv, struct ctl_config *c, char *err,
	      size_t errlen);
int parse_bib(int argc, char **argv, struct ctl_bib *b, char *err,
	      size_t errlen);
int parse_deny(int argc, char **argv, struct ctl_deny *d, char *err,
	       size_t errlen);
/*
 * RFC 6146 §4 minimum of timeout @t (CTL_TO_*), in seconds: lower ones
 * need below-rfc.
 */
unsigned long ctl_timeout_min(int t);
/*
 * The word of @words (NULL-terminated) that @s names: itself, or the one
 * it is a prefix of (as in ip(8)). NULL if none or several (@err says).
 */
const char *ctl_match(const char *s, const char *const *words, char *err,
		      size_t errlen);

/*
 * A line of a batch file (-f) into words, in place: split at blanks, from
 * '#' to the end a comment. The number of words, or -1 if over @max.
 */
int ctl_split(char *line, char **argv, int max);

/* "tcp", "udp", "icmp" -> IPPROTO_TCP, _UDP, _ICMPV6; -1 otherwise. */
int parse_proto(const char *s);

#endif

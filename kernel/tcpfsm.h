/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP session state machine of RFC 6146 §3.5.2.2. Pure core: the glue
 * feeds it the direction and flags of each segment of a session, it
 * answers with the next state and which idle timeout applies from now.
 */
#ifndef _NAT64_TCPFSM_H
#define _NAT64_TCPFSM_H

#include "core.h"

/* Values are part of the netlink protocol (NAT64_SESSION_A_STATE). */
enum tcp_state {
	TCPS_CLOSED,
	TCPS_V4_INIT,		/* IPv4 SYN seen, waiting for the IPv6 SYN */
	TCPS_V6_INIT,		/* IPv6 SYN seen, waiting for the IPv4 SYN */
	TCPS_ESTABLISHED,
	TCPS_V4_FIN_RCV,	/* FIN from the IPv4 side */
	TCPS_V6_FIN_RCV,	/* FIN from the IPv6 side */
	TCPS_V4_FIN_V6_FIN_RCV,	/* FIN from both: closing */
	TCPS_TRANS,		/* RST seen, or established went idle */
	TCPS_NSTATES
};

/* Which idle timeout a state is under. */
enum tcp_timer {
	TCPT_TRANS,		/* TCP_TRANS, 240 s by default */
	TCPT_EST,		/* TCP_EST, 7440 s by default */
	TCPT_SYN,		/* TCP_INCOMING_SYN, 6 s */
};

#define TCPF_FIN	0x01
#define TCPF_SYN	0x02
#define TCPF_RST	0x04

/*
 * The state after a segment with @flags (TCPF_* of the TCP header's flags
 * byte) from the IPv6 side (@from6) or the IPv4 side. *@refresh says
 * whether the segment renews the session's idle timer.
 */
enum tcp_state tcp_next(enum tcp_state s, bool from6, u8 flags,
			bool *refresh);

/* The idle timeout of state @s. */
enum tcp_timer tcp_timer_of(enum tcp_state s);

/*
 * What becomes of a session in state @s whose idle timer ran out: the
 * state it moves to, or TCPS_CLOSED when it is to be removed. An
 * established connection that went quiet is given TCP_TRANS more to show
 * it is alive (the RFC's alternative to probing it).
 */
enum tcp_state tcp_expire(enum tcp_state s);

/* "established", "v4-init", ...: names as nat64ctl shows them. */
const char *tcp_state_name(enum tcp_state s);

#endif /* _NAT64_TCPFSM_H */

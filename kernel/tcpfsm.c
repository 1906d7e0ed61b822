// SPDX-License-Identifier: GPL-2.0
#include "tcpfsm.h"

enum tcp_state tcp_next(enum tcp_state s, bool from6, u8 flags,
			bool *refresh)
{
	bool syn = flags & TCPF_SYN, fin = flags & TCPF_FIN;

	*refresh = false;
	/* RST: the connection is over once TCP_TRANS passes. */
	if (flags & TCPF_RST) {
		if (s == TCPS_ESTABLISHED || s == TCPS_V4_FIN_RCV ||
		    s == TCPS_V6_FIN_RCV) {
			*refresh = true;
			return TCPS_TRANS;
		}
		return s;
	}
	switch (s) {
	case TCPS_CLOSED:
		if (syn) {
			*refresh = true;
			return from6 ? TCPS_V6_INIT : TCPS_V4_INIT;
		}
		return s;
	case TCPS_V4_INIT:
		if (from6 && syn) {
			*refresh = true;
			return TCPS_ESTABLISHED;
		}
		return s;
	case TCPS_V6_INIT:
		if (syn) {
			*refresh = true;
			return from6 ? s : TCPS_ESTABLISHED;
		}
		return s;
	case TCPS_ESTABLISHED:
		*refresh = true;
		if (fin)
			return from6 ? TCPS_V6_FIN_RCV : TCPS_V4_FIN_RCV;
		return s;
	case TCPS_V4_FIN_RCV:
		*refresh = true;
		return from6 && fin ? TCPS_V4_FIN_V6_FIN_RCV : s;
	case TCPS_V6_FIN_RCV:
		*refresh = true;
		return !from6 && fin ? TCPS_V4_FIN_V6_FIN_RCV : s;
	case TCPS_V4_FIN_V6_FIN_RCV:
		/* Last ACKs: the TCP_TRANS countdown goes on. */
		return s;
	case TCPS_TRANS:
		/* Traffic after a RST or a quiet spell: alive after all. */
		*refresh = true;
		return TCPS_ESTABLISHED;
	default:
		return TCPS_CLOSED;
	}
}

enum tcp_timer tcp_timer_of(enum tcp_state s)
{
	switch (s) {
	case TCPS_V4_INIT:
		return TCPT_SYN;
	case TCPS_ESTABLISHED:
	case TCPS_V4_FIN_RCV:
	case TCPS_V6_FIN_RCV:
		return TCPT_EST;
	default:
		return TCPT_TRANS;
	}
}

enum tcp_state tcp_expire(enum tcp_state s)
{
	return s == TCPS_ESTABLISHED ? TCPS_TRANS : TCPS_CLOSED;
}

const char *tcp_state_name(enum tcp_state s)
{
	static const char *const names[TCPS_NSTATES] = {
		[TCPS_CLOSED] = "closed",
		[TCPS_V4_INIT] = "v4-init",
		[TCPS_V6_INIT] = "v6-init",
		[TCPS_ESTABLISHED] = "established",
		[TCPS_V4_FIN_RCV] = "v4-fin-rcv",
		[TCPS_V6_FIN_RCV] = "v6-fin-rcv",
		[TCPS_V4_FIN_V6_FIN_RCV] = "v4-fin-v6-fin-rcv",
		[TCPS_TRANS] = "trans",
	};

	return (unsigned int)s < TCPS_NSTATES ? names[s] : "?";
}

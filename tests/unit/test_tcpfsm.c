// SPDX-License-Identifier: GPL-2.0
/* RFC 6146 §3.5.2.2, transition by transition. */
#include "unit.h"
#include "tcpfsm.h"

#define V6 true
#define V4 false

/* Feed @flags from one side to @s; check the state and the refresh. */
static enum tcp_state step(enum tcp_state s, bool from6, u8 flags,
			   enum tcp_state want, bool want_refresh)
{
	bool refresh;
	enum tcp_state n = tcp_next(s, from6, flags, &refresh);

	CHECK_EQ(n, want);
	CHECK_EQ(refresh, want_refresh);
	return n;
}

static void outbound_open_and_close(void)
{
	enum tcp_state s = TCPS_CLOSED;

	s = step(s, V6, TCPF_SYN, TCPS_V6_INIT, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_TRANS);
	/* A retransmitted SYN renews the countdown, data does not. */
	s = step(s, V6, TCPF_SYN, TCPS_V6_INIT, true);
	s = step(s, V6, 0, TCPS_V6_INIT, false);
	s = step(s, V4, TCPF_SYN, TCPS_ESTABLISHED, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_EST);
	s = step(s, V4, 0, TCPS_ESTABLISHED, true);
	s = step(s, V6, TCPF_FIN, TCPS_V6_FIN_RCV, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_EST);
	s = step(s, V6, 0, TCPS_V6_FIN_RCV, true);
	/* A FIN from the same side again changes nothing. */
	s = step(s, V6, TCPF_FIN, TCPS_V6_FIN_RCV, true);
	s = step(s, V4, TCPF_FIN, TCPS_V4_FIN_V6_FIN_RCV, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_TRANS);
	/* The last ACKs do not keep a closed connection alive. */
	s = step(s, V6, 0, TCPS_V4_FIN_V6_FIN_RCV, false);
	CHECK_EQ(tcp_expire(s), TCPS_CLOSED);
}

static void inbound_open_and_close(void)
{
	enum tcp_state s = TCPS_CLOSED;

	s = step(s, V4, TCPF_SYN, TCPS_V4_INIT, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_SYN);
	s = step(s, V4, 0, TCPS_V4_INIT, false);
	s = step(s, V4, TCPF_SYN, TCPS_V4_INIT, false);
	CHECK_EQ(tcp_expire(s), TCPS_CLOSED);
	s = step(s, V6, TCPF_SYN, TCPS_ESTABLISHED, true);
	s = step(s, V4, TCPF_FIN, TCPS_V4_FIN_RCV, true);
	s = step(s, V4, 0, TCPS_V4_FIN_RCV, true);
	s = step(s, V6, TCPF_FIN, TCPS_V4_FIN_V6_FIN_RCV, true);
}

static void resets(void)
{
	static const enum tcp_state to_trans[] = {
		TCPS_ESTABLISHED, TCPS_V4_FIN_RCV, TCPS_V6_FIN_RCV,
	};
	unsigned int i;
	enum tcp_state s;

	for (i = 0; i < ARRAY_SIZE(to_trans); i++) {
		step(to_trans[i], V6, TCPF_RST, TCPS_TRANS, true);
		step(to_trans[i], V4, TCPF_RST | TCPF_SYN, TCPS_TRANS, true);
	}
	/* A RST in the opening states leaves them to time out. */
	step(TCPS_V6_INIT, V4, TCPF_RST, TCPS_V6_INIT, false);
	step(TCPS_V4_INIT, V6, TCPF_RST, TCPS_V4_INIT, false);
	step(TCPS_TRANS, V4, TCPF_RST, TCPS_TRANS, false);
	/* Anything but a RST after one: the connection lives on. */
	s = step(TCPS_TRANS, V6, 0, TCPS_ESTABLISHED, true);
	CHECK_EQ(tcp_timer_of(s), TCPT_EST);
	CHECK_EQ(tcp_timer_of(TCPS_TRANS), TCPT_TRANS);
	CHECK_EQ(tcp_expire(TCPS_TRANS), TCPS_CLOSED);
}

static void quiet_established(void)
{
	/* Idle past TCP_EST: TCP_TRANS more, then gone. */
	CHECK_EQ(tcp_expire(TCPS_ESTABLISHED), TCPS_TRANS);
	CHECK_EQ(tcp_expire(TCPS_V4_FIN_RCV), TCPS_CLOSED);
	CHECK_EQ(tcp_expire(TCPS_V6_INIT), TCPS_CLOSED);
}

static void closed_ignores_non_syn(void)
{
	step(TCPS_CLOSED, V6, 0, TCPS_CLOSED, false);
	step(TCPS_CLOSED, V4, TCPF_FIN, TCPS_CLOSED, false);
	step(TCPS_CLOSED, V6, TCPF_RST, TCPS_CLOSED, false);
}

static void names(void)
{
	unsigned int s;

	for (s = 0; s < TCPS_NSTATES; s++)
		CHECK(tcp_state_name(s) && tcp_state_name(s)[0] != '?');
	CHECK(!strcmp(tcp_state_name(TCPS_V4_FIN_V6_FIN_RCV),
		      "v4-fin-v6-fin-rcv"));
	CHECK(!strcmp(tcp_state_name(TCPS_NSTATES), "?"));
	/* Out-of-range input is not trusted. */
	step(TCPS_NSTATES, V6, TCPF_SYN, TCPS_CLOSED, false);
}

/* Every state, side and flag byte: a valid state, and SYN-less segments
 * never open a connection. */
static void exhaustive(void)
{
	unsigned int st, f, side;

	for (st = 0; st < TCPS_NSTATES; st++) {
		for (side = 0; side < 2; side++) {
			for (f = 0; f < 256; f++) {
				bool refresh;
				enum tcp_state n = tcp_next(st, side, (u8)f,
							    &refresh);

				CHECK((unsigned int)n < TCPS_NSTATES);
				if (st == TCPS_CLOSED && !(f & TCPF_SYN))
					CHECK_EQ(n, TCPS_CLOSED);
				CHECK((unsigned int)tcp_expire(n) <
				      TCPS_NSTATES);
			}
		}
	}
}

UNIT_MAIN(T(exhaustive), T(outbound_open_and_close), T(inbound_open_and_close), T(resets),
	  T(quiet_established), T(closed_ignores_non_syn), T(names))

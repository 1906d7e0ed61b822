// SPDX-License-Identifier: GPL-2.0
/*
 * nat64-syncd: session sync between translators (see "Session sync" in
 * include/uapi/nat64.h). Each daemon sends the sessions of its own
 * kernel to every peer it names (it connects), and applies to its kernel
 * those its peers send (they connect to it):
 *  - on each new connection, all sessions (a full resync);
 *  - then each new session (event SESSION_CREATED) and each end
 *    (SESSION_EXPIRED, SESSION_REMOVED) as it happens;
 *  - every refresh seconds, the sessions a packet used meanwhile, with
 *    their state and expiry (SESSION_GET with NAT64_A_ACTIVE_MS).
 * Events the daemon lost (numbers missing, socket overflow) and records
 * a full send queue dropped are made good by a full resync.
 *
 * Peers prove the shared key (HMAC-SHA256) in a handshake, and every
 * record carries a MAC of its own: see syncproto.h.
 */
#define _GNU_SOURCE		/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "daemon.h"
#include "nl.h"
#include "syncproto.h"

#define SYNCD_CONF	"/etc/nat64/syncd.conf"
#define SYNCD_STATUS	"/run/nat64-syncd.status"
#define SYNCD_PID	"/run/nat64-syncd.pid"
#define MAX_PEERS	8
#define KEY_MAX		1024
#define IN_BUF		16384	/* a receiving connection's buffer */
#define PIPELINE	64	/* kernel requests before reading acks */
#define HANDSHAKE_MS	5000
#define IDLE_MS		1000	/* keep-alive when nothing else is sent */
#define DEAD_MS		10000	/* a receiving connection silent so long */
#define BACKOFF_MIN	1000
#define BACKOFF_MAX	10000

/* A peer's send queue: encoded records, each with when it was queued. */
struct qrec {
	uint64_t t;
	uint8_t len;
	uint8_t b[SYNC_REC_MAX];
};

struct outq {
	struct qrec *r;
	size_t cap, head, n;
	size_t bytes;		/* queued, less what of the head is sent */
	size_t sent;		/* of the head record */
};

enum out_state { OUT_IDLE, OUT_CONNECTING, OUT_HELLO, OUT_CONNECTED };
enum in_state { IN_NONE, IN_HELLO, IN_ANSWER, IN_CONNECTED };

struct peer {
	struct sockaddr_storage sa;
	socklen_t salen;
	char name[INET6_ADDRSTRLEN];
	unsigned int port;
	char pools[NAT64_MAX_POOLS][NAT64_NAME_MAX];
	unsigned int npools;	/* 0: any pool */

	/* Sending: we connect. */
	enum out_state out;
	int ofd;
	uint64_t retry_at, backoff, deadline, last_tx;
	uint8_t onc[SYNC_NONCE_LEN], ona[SYNC_NONCE_LEN];
	struct sync_dir otx, orx;
	uint8_t obuf[SYNC_CHALLENGE_LEN + SYNC_REC_MAX];
	size_t olen;
	struct outq q;
	bool resync;		/* a full resync is due */
	bool resync_drained;	/* ... once the queue is below half */
	bool stalled;		/* this bulk: the queue stayed full */

	/* Receiving: it connects. */
	enum in_state in;
	int ifd;
	uint64_t ideadline, last_rx;
	uint8_t inc[SYNC_NONCE_LEN], ina[SYNC_NONCE_LEN];
	struct sync_dir itx, irx;
	uint8_t ibuf[IN_BUF];
	size_t ilen;
	bool want_resync;	/* ask it for everything again */

	unsigned long long sent, received, applied, refused, del_missing,
			   dropped, bad, resyncs, filtered, connects;
};

static struct {
	struct sockaddr_storage listen;
	socklen_t listenlen;
	bool has_listen;
	struct peer peer[MAX_PEERS];
	unsigned int npeer;
	uint8_t key[KEY_MAX];
	size_t keylen;
	char keyfile[PATH_MAX];
	unsigned long refresh;		/* s */
	unsigned long qlimit;
	unsigned long rcvbuf;
	char status[PATH_MAX];
	char pidfile[PATH_MAX];
} cf = {
	.refresh = 5,
	.qlimit = 8 << 20,
	.rcvbuf = 8 << 20,
	.status = SYNCD_STATUS,
	.pidfile = SYNCD_PID,
};

static struct {
	struct ev_account ev;		/* events received, lost */
	unsigned long long lost_seen;	/* events-lost last acted on */
	unsigned long long enobufs, enobufs_seen;
	unsigned long long no_rule;	/* session events without a rule */
	unsigned long long malformed;
	unsigned long long refreshes;
	unsigned long long strangers;	/* connections from no peer */
} st;

static struct ctl_nl *ev, *dump, *apply;
static int lfd = -1;

/* The timers' clock. */
static uint64_t now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* ---- configuration ---- */

/* An IPv4 or IPv6 address and a port into @sa. */
static int parse_addr(const char *s, unsigned int port,
		      struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
	} else {
		return -1;
	}
	return 0;
}

static void set_port(struct sockaddr_storage *sa, unsigned int port)
{
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/* "NAME,NAME...": the pools a peer's records may be for. */
static int parse_pools(struct peer *p, const char *s)
{
	char buf[1024], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (p->npools == NAT64_MAX_POOLS ||
		    strlen(tok) >= NAT64_NAME_MAX)
			return -1;
		strcpy(p->pools[p->npools++], tok);
	}
	return p->npools ? 0 : -1;
}

/* One line of the configuration file (tokens in @w, @n of them). */
static int conf_line(char **w, int n)
{
	unsigned long v = SYNC_PORT;
	struct peer *p;
	int i;

	if (!strcmp(w[0], "listen") && (n == 2 || n == 3)) {
		if (n == 3 && parse_uint(w[2], 1, 65535, &v))
			return -1;
		cf.has_listen = true;
		return parse_addr(w[1], v, &cf.listen, &cf.listenlen);
	}
	if (!strcmp(w[0], "peer") && n >= 2 && n <= 5) {
		if (cf.npeer == MAX_PEERS)
			return -1;
		p = &cf.peer[cf.npeer];
		i = 2;
		if (i < n && strcmp(w[i], "pools")) {
			if (parse_uint(w[i], 1, 65535, &v))
				return -1;
			i++;
		}
		if (i < n) {
			if (strcmp(w[i], "pools") || i + 2 != n ||
			    parse_pools(p, w[i + 1]))
				return -1;
			i += 2;
		}
		if (i != n || parse_addr(w[1], v, &p->sa, &p->salen))
			return -1;
		snprintf(p->name, sizeof(p->name), "%s", w[1]);
		p->port = v;
		cf.npeer++;
		return 0;
	}
	return -1;
}

/* The settings of one value; the others are conf_line()'s. */
static const struct conf_set conf_sets[] = {
	{ "key-file", .str = cf.keyfile, .size = sizeof(cf.keyfile) },
	{ "refresh", .lo = 1, .hi = 3600, .num = &cf.refresh },
	{ "queue-limit", .lo = 65536, .hi = 1UL << 30, .num = &cf.qlimit },
	{ "receive-buffer", .lo = 65536, .hi = 1 << 30, .num = &cf.rcvbuf },
	{ "status-file", .str = cf.status, .size = sizeof(cf.status) },
	{ "pid-file", .str = cf.pidfile, .size = sizeof(cf.pidfile) },
	{ NULL }
};

/* The shared secret: only root may read it, 16 bytes at least. */
static int key_read(const char *path)
{
	struct stat sb;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		logmsg("key-file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sb.st_mode & (S_IRGRP | S_IROTH)) {
		logmsg("key-file %s: readable by group or others (chmod 600 it)",
		       path);
		close(fd);
		return -1;
	}
	n = read(fd, cf.key, sizeof(cf.key));
	close(fd);
	if (n < 0) {
		logmsg("key-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (n == sizeof(cf.key)) {
		logmsg("key-file %s: longer than %d bytes", path, KEY_MAX - 1);
		return -1;
	}
	if (n > 0 && cf.key[n - 1] == '\n')
		n--;
	if (n > 0 && cf.key[n - 1] == '\r')
		n--;
	if (n < SYNC_KEY_MIN) {
		logmsg("key-file %s: shorter than %d bytes", path, SYNC_KEY_MIN);
		return -1;
	}
	cf.keylen = n;
	return 0;
}

static int conf_read(const char *path)
{
	if (conf_read_lines(path, conf_sets, conf_line))
		return -1;
	if (!cf.npeer) {
		logmsg("%s: no peer", path);
		return -1;
	}
	if (!cf.keyfile[0]) {
		logmsg("%s: no key-file", path);
		return -1;
	}
	return key_read(cf.keyfile);
}

/* ---- send queues ---- */

static int q_push(struct outq *q, const uint8_t *b, size_t len, uint64_t t)
{
	struct qrec *r;
	size_t i, cap;

	if (q->bytes + len > cf.qlimit)
		return -1;
	if (q->n == q->cap) {
		cap = q->cap ? q->cap * 2 : 256;
		r = malloc(cap * sizeof(*r));
		if (!r)
			return -1;
		for (i = 0; i < q->n; i++)
			r[i] = q->r[(q->head + i) % q->cap];
		free(q->r);
		q->r = r;
		q->cap = cap;
		q->head = 0;
	}
	r = &q->r[(q->head + q->n) % q->cap];
	r->t = t;
	r->len = len;
	memcpy(r->b, b, len);
	q->n++;
	q->bytes += len;
	return 0;
}

static void q_clear(struct outq *q)
{
	free(q->r);
	memset(q, 0, sizeof(*q));
}

/* Write what the socket takes: 0, or -1 (the connection failed). */
static int q_send(struct outq *q, int fd)
{
	struct iovec iov[64];
	size_t i, k, done;
	ssize_t n;

	while (q->n) {
		for (k = 0; k < q->n && k < 64; k++) {
			struct qrec *r = &q->r[(q->head + k) % q->cap];
			size_t off = k ? 0 : q->sent;

			iov[k].iov_base = r->b + off;
			iov[k].iov_len = r->len - off;
		}
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = k };

		n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		done = n;
		q->bytes -= done;
		for (i = 0; i < k && done; i++) {
			size_t left = iov[i].iov_len;

			if (done < left) {
				q->sent += done;
				break;
			}
			done -= left;
			q->sent = 0;
			q->head = (q->head + 1) % q->cap;
			q->n--;
		}
		if (i < k)
			return 0;
	}
	/* A bulk's queue given back once it is sent. */
	if (q->cap > 4096)
		q_clear(q);
	return 0;
}

/* The age of the oldest record still queued. */
static uint64_t q_lag(const struct outq *q, uint64_t now)
{
	return q->n ? now - q->r[q->head].t : 0;
}

/* ---- connections ---- */

static void out_close(struct peer *p, const char *why)
{
	if (p->out == OUT_CONNECTED || p->out == OUT_HELLO)
		logmsg("peer %s: sending stopped: %s", p->name, why);
	if (p->ofd >= 0)
		close(p->ofd);
	p->ofd = -1;
	p->out = OUT_IDLE;
	q_clear(&p->q);
	p->resync = p->resync_drained = false;
	p->retry_at = now_ms() + p->backoff;
	p->backoff = p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : p->backoff * 2;
}

static void in_close(struct peer *p, const char *why)
{
	if (p->in == IN_CONNECTED)
		logmsg("peer %s: receiving stopped: %s", p->name, why);
	if (p->ifd >= 0)
		close(p->ifd);
	p->ifd = -1;
	p->in = IN_NONE;
	p->ilen = 0;
	p->want_resync = false;
}

/* A small message at once (handshake): all of it, or the connection fails. */
static int send_all(int fd, const void *b, size_t len)
{
	return send(fd, b, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ?
	       0 : -1;
}

static int nonce(uint8_t out[SYNC_NONCE_LEN])
{
	return getrandom(out, SYNC_NONCE_LEN, 0) == SYNC_NONCE_LEN ? 0 : -1;
}

static void out_connect(struct peer *p, uint64_t now)
{
	int one = 1;
	unsigned int tmo = DEAD_MS;

	if (p->out != OUT_IDLE || now < p->retry_at)
		return;
	p->ofd = socket(p->sa.ss_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->ofd < 0) {
		out_close(p, strerror(errno));
		return;
	}
	setsockopt(p->ofd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A peer gone with our data unacknowledged: known in 10 s. */
	setsockopt(p->ofd, IPPROTO_TCP, TCP_USER_TIMEOUT, &tmo, sizeof(tmo));
	/* From the sync link's address, which the peer knows us by. */
	if (cf.has_listen && cf.listen.ss_family == p->sa.ss_family) {
		struct sockaddr_storage src = cf.listen;

		set_port(&src, 0);
		if (bind(p->ofd, (struct sockaddr *)&src, cf.listenlen)) {
			out_close(p, strerror(errno));
			return;
		}
	}
	p->out = OUT_CONNECTING;
	p->deadline = now + HANDSHAKE_MS;
	if (connect(p->ofd, (struct sockaddr *)&p->sa, p->salen) &&
	    errno != EINPROGRESS)
		out_close(p, strerror(errno));
}

/* Connected: HELLO. */
static void out_hello(struct peer *p, uint64_t now)
{
	uint8_t hello[SYNC_HELLO_LEN];
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->ofd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		out_close(p, strerror(err ? err : errno));
		return;
	}
	if (nonce(p->onc)) {
		out_close(p, "no random numbers");
		return;
	}
	sync_hello(hello, p->onc);
	if (send_all(p->ofd, hello, sizeof(hello))) {
		out_close(p, "cannot send");
		return;
	}
	p->out = OUT_HELLO;
	p->olen = 0;
	p->deadline = now + HANDSHAKE_MS;
}

/* Bytes from the peer we send to: the CHALLENGE, then its requests. */
static void out_read(struct peer *p, uint64_t now)
{
	uint8_t ans[SYNC_ANSWER_LEN];
	struct sync_rec r;
	size_t used;
	ssize_t n;
	int rc;

	n = recv(p->ofd, p->obuf + p->olen, sizeof(p->obuf) - p->olen,
		 MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		out_close(p, n ? strerror(errno) : "closed by the peer");
		return;
	}
	if (n < 0)
		return;
	p->olen += n;
	if (p->out == OUT_HELLO) {
		if (p->olen < SYNC_CHALLENGE_LEN)
			return;
		if (sync_challenge_check(cf.key, cf.keylen, p->onc, p->obuf,
					 p->ona)) {
			p->bad++;
			out_close(p, "handshake failed (another key?)");
			return;
		}
		sync_answer(cf.key, cf.keylen, p->onc, p->ona, ans);
		if (send_all(p->ofd, ans, sizeof(ans))) {
			out_close(p, "cannot send");
			return;
		}
		sync_keys(cf.key, cf.keylen, p->onc, p->ona, &p->otx, &p->orx);
		memmove(p->obuf, p->obuf + SYNC_CHALLENGE_LEN,
			p->olen - SYNC_CHALLENGE_LEN);
		p->olen -= SYNC_CHALLENGE_LEN;
		p->out = OUT_CONNECTED;
		p->backoff = BACKOFF_MIN;
		p->last_tx = now;
		p->connects++;
		/* Whatever it had from us may be gone: all of it again. */
		p->resync = true;
		logmsg("peer %s: sending", p->name);
	}
	while (p->out == OUT_CONNECTED &&
	       (rc = sync_decode(&p->orx, p->obuf, p->olen, &r, &used))) {
		if (rc < 0 || r.type != SYNC_RESYNC_REQUEST) {
			p->bad++;
			out_close(p, "bad record");
			return;
		}
		p->resync = true;
		memmove(p->obuf, p->obuf + used, p->olen - used);
		p->olen -= used;
	}
}

/* @r to @p's queue: 0, or -1 (not connected, or dropped and counted). */
static int out_rec(struct peer *p, const struct sync_rec *r, uint64_t now)
{
	uint8_t b[SYNC_REC_MAX];
	struct sync_dir d;
	size_t n;

	if (p->out != OUT_CONNECTED)
		return -1;
	d = p->otx;
	n = sync_encode(&d, r, b, sizeof(b));
	if (!n)
		return -1;
	if (q_push(&p->q, b, n, now)) {
		p->dropped++;
		p->resync_drained = true;
		return -1;
	}
	p->otx = d;
	p->sent++;
	p->last_tx = now;
	return 0;
}

/* To every peer we send to. */
static void out_all(const struct sync_rec *r)
{
	uint64_t now = now_ms();
	unsigned int i;

	for (i = 0; i < cf.npeer; i++)
		out_rec(&cf.peer[i], r, now);
}

static void out_flush(struct peer *p)
{
	if (p->out == OUT_CONNECTED && q_send(&p->q, p->ofd))
		out_close(p, strerror(errno));
}

static int peer_of(const struct sockaddr_storage *sa)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	unsigned int i;

	/* An IPv4 peer seen through an IPv6 socket. */
	if (sa->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(&v4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
		sa = (const struct sockaddr_storage *)&v4;
	}
	for (i = 0; i < cf.npeer; i++) {
		const struct sockaddr_storage *p = &cf.peer[i].sa;

		if (p->ss_family != sa->ss_family)
			continue;
		if (p->ss_family == AF_INET &&
		    ((const struct sockaddr_in *)p)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)sa)->sin_addr.s_addr)
			return i;
		if (p->ss_family == AF_INET6 &&
		    !memcmp(&((const struct sockaddr_in6 *)p)->sin6_addr,
			    &((const struct sockaddr_in6 *)sa)->sin6_addr, 16))
			return i;
	}
	return -1;
}

static void in_accept(uint64_t now)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	struct peer *p;
	int fd, i;

	fd = accept4(lfd, (struct sockaddr *)&sa, &len,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	i = peer_of(&sa);
	if (i < 0) {
		st.strangers++;
		close(fd);
		return;
	}
	p = &cf.peer[i];
	/* A peer that connects again has restarted: the new one counts. */
	in_close(p, "connected again");
	p->ifd = fd;
	p->in = IN_HELLO;
	p->ideadline = now + HANDSHAKE_MS;
}

/* ---- applying records to the kernel ---- */

/* The rules' pools, for the peers' pool lists. */
static struct {
	char rule[NAT64_NAME_MAX], pool[NAT64_NAME_MAX];
} rules[NAT64_MAX_RULES];
static unsigned int nrules;

static int on_rule(struct nlattr **tb, void *arg)
{
	struct nlattr *r[NAT64_RULE_A_MAX + 1];

	(void)arg;
	if (nrules == NAT64_MAX_RULES || !tb[NAT64_A_RULE] ||
	    nla_parse_nested(r, NAT64_RULE_A_MAX, tb[NAT64_A_RULE], NULL) ||
	    !r[NAT64_RULE_A_NAME] || !r[NAT64_RULE_A_POOL])
		return 0;
	snprintf(rules[nrules].rule, NAT64_NAME_MAX, "%s",
		 nla_get_string(r[NAT64_RULE_A_NAME]));
	snprintf(rules[nrules].pool, NAT64_NAME_MAX, "%s",
		 nla_get_string(r[NAT64_RULE_A_POOL]));
	nrules++;
	return 0;
}

static void rules_read(void)
{
	unsigned int i;

	for (i = 0; i < cf.npeer && !cf.peer[i].npools; i++)
		;
	if (i == cf.npeer)
		return;
	nrules = 0;
	ctl_nl_run(dump, ctl_nl_msg(dump, NAT64_CMD_RULE_GET, true), on_rule,
		   NULL, "rules");
}

/* May @p place state through @rule? */
static bool pool_allowed(const struct peer *p, const char *rule)
{
	unsigned int i, j;

	if (!p->npools)
		return true;
	for (i = 0; i < nrules; i++) {
		if (strcmp(rules[i].rule, rule))
			continue;
		for (j = 0; j < p->npools; j++)
			if (!strcmp(p->pools[j], rules[i].pool))
				return true;
		return false;
	}
	return false;
}

/* Requests sent and not yet answered, in the order sent. */
static struct {
	uint32_t seq;
	uint8_t peer, type;
} pend[PIPELINE];
static unsigned int npend, pend_head;
static struct nl_cb *apply_cb;

static void pend_done(uint32_t seq, int error)
{
	unsigned int i, k;
	struct peer *p;

	for (i = 0; i < npend; i++) {
		k = (pend_head + i) % PIPELINE;
		if (pend[k].seq == seq)
			break;
	}
	if (i == npend)
		return;
	p = &cf.peer[pend[k].peer];
	if (!error)
		p->applied++;
	else if (error == -ENOENT && pend[k].type == SYNC_DEL)
		p->del_missing++;
	else
		p->refused++;
	/* Answers come in order: those before it were answered. */
	pend_head = (k + 1) % PIPELINE;
	npend -= i + 1;
}

static int on_apply_ack(struct nl_msg *msg, void *arg)
{
	(void)arg;
	pend_done(nlmsg_hdr(msg)->nlmsg_seq, 0);
	return NL_OK;
}

static int on_apply_err(struct sockaddr_nl *nla, struct nlmsgerr *err,
			void *arg)
{
	(void)nla;
	(void)arg;
	pend_done(err->msg.nlmsg_seq, err->error);
	return NL_SKIP;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Wait for the answers to every request sent. */
static void apply_flush(void)
{
	int err;

	while (npend) {
		err = nl_recvmsgs(ctl_nl_sock(apply), apply_cb);
		if (err < 0 && err != -NLE_INTR) {
			unsigned int i;

			/* Answers lost: the requests' peers send it all again. */
			logmsg("kernel requests: %s", nl_geterror(err));
			for (i = 0; i < npend; i++) {
				struct peer *p =
					&cf.peer[pend[(pend_head + i) % PIPELINE].peer];

				p->refused++;
				p->want_resync = true;
			}
			npend = 0;
		}
	}
}

static void in_apply(struct peer *p, const struct sync_rec *r)
{
	struct nl_msg *msg;
	struct nlattr *s;
	int cmd = r->type == SYNC_ADD ? NAT64_CMD_SESSION_ADD :
		  NAT64_CMD_SESSION_DEL;

	if (r->type == SYNC_ADD && !pool_allowed(p, r->rule)) {
		p->filtered++;
		return;
	}
	if (npend == PIPELINE)
		apply_flush();
	msg = ctl_nl_msg(apply, cmd, false);
	if (!msg || !(s = nla_nest_start(msg, NAT64_A_SESSION)))
		goto fail;
	if (nla_put_u8(msg, NAT64_SESSION_A_PROTO, r->proto) ||
	    nla_put(msg, NAT64_SESSION_A_ADDR6, 16, r->addr6) ||
	    nla_put_u16(msg, NAT64_SESSION_A_PORT6, r->port6) ||
	    nla_put(msg, NAT64_SESSION_A_RADDR4, 4, r->raddr4) ||
	    nla_put_u16(msg, NAT64_SESSION_A_RPORT, r->rport))
		goto fail;
	if (r->type == SYNC_ADD &&
	    (nla_put(msg, NAT64_SESSION_A_ADDR4, 4, r->addr4) ||
	     nla_put_u16(msg, NAT64_SESSION_A_PORT4, r->port4) ||
	     nla_put_string(msg, NAT64_SESSION_A_RULE, r->rule) ||
	     (r->state != SYNC_STATE_NONE &&
	      nla_put_u8(msg, NAT64_SESSION_A_STATE, r->state)) ||
	     (r->expires_ms != SYNC_EXPIRES_NONE &&
	      nla_put_u32(msg, NAT64_SESSION_A_EXPIRES_MS, r->expires_ms))))
		goto fail;
	nla_nest_end(msg, s);
	if (nl_send_auto(ctl_nl_sock(apply), msg) < 0)
		goto fail;
	pend[(pend_head + npend) % PIPELINE].seq = nlmsg_hdr(msg)->nlmsg_seq;
	pend[(pend_head + npend) % PIPELINE].peer = p - cf.peer;
	pend[(pend_head + npend) % PIPELINE].type = r->type;
	npend++;
	nlmsg_free(msg);
	return;
fail:
	nlmsg_free(msg);
	p->refused++;
	p->want_resync = true;
}

/* Bytes from a peer that sends to us: the handshake, then records. */
static void in_read(struct peer *p, uint64_t now)
{
	uint8_t chal[SYNC_CHALLENGE_LEN];
	struct sync_rec r;
	size_t used, off = 0;
	ssize_t n;
	int rc;

	n = recv(p->ifd, p->ibuf + p->ilen, sizeof(p->ibuf) - p->ilen,
		 MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		in_close(p, n ? strerror(errno) : "closed by the peer");
		return;
	}
	if (n < 0)
		return;
	p->ilen += n;
	if (p->in == IN_HELLO) {
		if (p->ilen < SYNC_HELLO_LEN)
			return;
		if (sync_hello_parse(p->ibuf, p->inc) || nonce(p->ina)) {
			p->bad++;
			in_close(p, "not a sync peer");
			return;
		}
		sync_challenge(cf.key, cf.keylen, p->inc, p->ina, chal);
		if (send_all(p->ifd, chal, sizeof(chal))) {
			in_close(p, "cannot send");
			return;
		}
		off = SYNC_HELLO_LEN;
		p->in = IN_ANSWER;
	}
	if (p->in == IN_ANSWER) {
		if (p->ilen - off < SYNC_ANSWER_LEN)
			goto keep;
		if (sync_answer_check(cf.key, cf.keylen, p->inc, p->ina,
				      p->ibuf + off)) {
			p->bad++;
			in_close(p, "handshake failed (another key?)");
			logmsg("peer %s: handshake failed (another key?)",
			       p->name);
			return;
		}
		off += SYNC_ANSWER_LEN;
		sync_keys(cf.key, cf.keylen, p->inc, p->ina, &p->irx, &p->itx);
		p->in = IN_CONNECTED;
		p->last_rx = now;
		logmsg("peer %s: receiving", p->name);
	}
	while ((rc = sync_decode(&p->irx, p->ibuf + off, p->ilen - off, &r,
				 &used))) {
		if (rc < 0) {
			p->bad++;
			in_close(p, "bad record (MAC, length or type)");
			return;
		}
		off += used;
		p->received++;
		p->last_rx = now;
		switch (r.type) {
		case SYNC_ADD:
		case SYNC_DEL:
			in_apply(p, &r);
			break;
		case SYNC_KEEPALIVE:
		case SYNC_BULK_START:
		case SYNC_BULK_END:
			break;
		default:
			p->bad++;
			in_close(p, "bad record (type)");
			return;
		}
	}
keep:
	memmove(p->ibuf, p->ibuf + off, p->ilen - off);
	p->ilen -= off;
}

/* Ask the peer for everything again (answers to our requests were lost). */
static void in_ask(struct peer *p)
{
	struct sync_rec r = { .type = SYNC_RESYNC_REQUEST };
	uint8_t b[SYNC_REC_MAX];
	size_t n;

	if (p->in != IN_CONNECTED || !p->want_resync)
		return;
	p->want_resync = false;
	n = sync_encode(&p->itx, &r, b, sizeof(b));
	if (send_all(p->ifd, b, n))
		in_close(p, "cannot send");
}

/* ---- the kernel's sessions ---- */

static uint16_t u16_of(struct nlattr *a)
{
	return a && nla_len(a) == 2 ? nla_get_u16(a) : 0;
}

static int addr_of(struct nlattr *a, void *dst, int len)
{
	if (!a || nla_len(a) != len)
		return -1;
	memcpy(dst, nla_data(a), len);
	return 0;
}

static int name_of(struct nlattr *a, char *dst)
{
	memset(dst, 0, SYNC_NAME_LEN);
	if (!a || nla_len(a) < 2)
		return -1;
	strncpy(dst, nla_data(a), SYNC_NAME_LEN - 1);
	return dst[0] ? 0 : -1;
}

/* A session nest into @r: 0, or -1 (an attribute missing). */
static int session_of(struct nlattr *nest, struct sync_rec *r, bool with4)
{
	struct nlattr *s[NAT64_SESSION_A_MAX + 1];

	if (!nest || nla_parse_nested(s, NAT64_SESSION_A_MAX, nest, NULL) ||
	    !s[NAT64_SESSION_A_PROTO] ||
	    addr_of(s[NAT64_SESSION_A_ADDR6], r->addr6, 16) ||
	    addr_of(s[NAT64_SESSION_A_RADDR4], r->raddr4, 4) ||
	    (with4 && addr_of(s[NAT64_SESSION_A_ADDR4], r->addr4, 4)))
		return -1;
	r->proto = nla_get_u8(s[NAT64_SESSION_A_PROTO]);
	r->port6 = u16_of(s[NAT64_SESSION_A_PORT6]);
	r->port4 = u16_of(s[NAT64_SESSION_A_PORT4]);
	r->rport = u16_of(s[NAT64_SESSION_A_RPORT]);
	r->state = SYNC_STATE_NONE;
	r->expires_ms = SYNC_EXPIRES_NONE;
	if (s[NAT64_SESSION_A_STATE])
		r->state = nla_get_u8(s[NAT64_SESSION_A_STATE]);
	if (s[NAT64_SESSION_A_EXPIRES_MS])
		r->expires_ms = nla_get_u32(s[NAT64_SESSION_A_EXPIRES_MS]);
	if (name_of(s[NAT64_SESSION_A_RULE], r->rule))
		r->rule[0] = 0;
	return 0;
}

/* One NAT64_CMD_EVENT: a record to every peer, or none. */
static int on_event(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_MAPPING_A_MAX + 1];
	struct sync_rec r = { 0 };
	uint8_t type;

	(void)arg;
	/* The account of loss: see daemon.h. */
	if (ev_seen(&st.ev, tb)) {
		st.malformed++;
		return 0;
	}
	type = nla_get_u8(tb[NAT64_A_EVENT]);
	/*
	 * A session a peer made (or removed) goes no further: it came from
	 * there. Expiries are not sent either: both ends expire a session
	 * at the same time, the refreshes keep their clocks together, and
	 * a late expiry here must not remove a session the peer still uses.
	 */
	if (tb[NAT64_A_SYNCED] || type == NAT64_EVENT_SESSION_EXPIRED)
		return 0;
	switch (type) {
	case NAT64_EVENT_SESSION_CREATED:
		if (session_of(tb[NAT64_A_SESSION], &r, true)) {
			st.malformed++;
			return 0;
		}
		/* No state, no expiry: the kernel's defaults for a new one. */
		r.state = SYNC_STATE_NONE;
		r.expires_ms = SYNC_EXPIRES_NONE;
		/* The mapping's rule; the session's own if it says one. */
		if (tb[NAT64_A_MAPPING] &&
		    !nla_parse_nested(m, NAT64_MAPPING_A_MAX,
				      tb[NAT64_A_MAPPING], NULL) &&
		    !r.rule[0])
			name_of(m[NAT64_MAPPING_A_RULE], r.rule);
		if (!r.rule[0]) {
			/* No rule known (a static entry's): nothing to send. */
			st.no_rule++;
			return 0;
		}
		r.type = SYNC_ADD;
		out_all(&r);
		break;
	case NAT64_EVENT_SESSION_REMOVED:
		if (session_of(tb[NAT64_A_SESSION], &r, false)) {
			st.malformed++;
			return 0;
		}
		r.type = SYNC_DEL;
		out_all(&r);
		break;
	}
	return 0;
}

/* A session of a dump, to the peers marked for it (@arg: the flag). */
static bool in_dump[MAX_PEERS];

/* Wait until @p's queue takes @len more bytes, a second at most. */
static int q_wait(struct peer *p, size_t len)
{
	struct pollfd pfd = { .fd = p->ofd, .events = POLLOUT };
	uint64_t until = now_ms() + 1000;

	while (p->out == OUT_CONNECTED && !p->stalled &&
	       p->q.bytes + len > cf.qlimit) {
		if (now_ms() >= until || stop) {
			p->stalled = true;
			break;
		}
		if (poll(&pfd, 1, 100) > 0)
			out_flush(p);
	}
	return p->out == OUT_CONNECTED && p->q.bytes + len <= cf.qlimit ?
	       0 : -1;
}

static unsigned long long dumped;

static int on_session(struct nlattr **tb, void *arg)
{
	struct sync_rec r = { .type = SYNC_ADD };
	uint64_t now = now_ms();
	unsigned int i;

	(void)arg;
	if (session_of(tb[NAT64_A_SESSION], &r, true)) {
		st.malformed++;
		return 0;
	}
	if (!r.rule[0]) {
		st.no_rule++;
		return 0;
	}
	dumped++;
	for (i = 0; i < cf.npeer; i++) {
		if (!in_dump[i])
			continue;
		/* A large table paced by the peer rather than dropped. */
		q_wait(&cf.peer[i], SYNC_REC_MAX);
		out_rec(&cf.peer[i], &r, now);
	}
	return 0;
}

/* Sessions to the peers in in_dump[]: active within @active_ms, or all (0). */
static void dump_sessions(uint32_t active_ms)
{
	struct nl_msg *msg = ctl_nl_msg(dump, NAT64_CMD_SESSION_GET, true);

	if (msg && active_ms &&
	    nla_put_u32(msg, NAT64_A_ACTIVE_MS, active_ms)) {
		nlmsg_free(msg);
		return;
	}
	ctl_nl_run(dump, msg, on_session, NULL, "sessions");
}

/* Every peer whose resync is due: BULK_START, all sessions, BULK_END. */
static void resync(void)
{
	struct sync_rec mark = { .type = SYNC_BULK_START };
	uint64_t now = now_ms();
	unsigned int i, n = 0;

	for (i = 0; i < cf.npeer; i++) {
		struct peer *p = &cf.peer[i];

		in_dump[i] = false;
		if (p->out != OUT_CONNECTED || !p->resync)
			continue;
		/* A queue that overflowed: once it has drained below half. */
		if (p->resync_drained && p->q.bytes > cf.qlimit / 2)
			continue;
		p->resync = p->resync_drained = p->stalled = false;
		if (out_rec(p, &mark, now))
			continue;
		p->resyncs++;
		in_dump[i] = true;
		n++;
	}
	if (!n)
		return;
	dumped = 0;
	dump_sessions(0);
	mark.type = SYNC_BULK_END;
	for (i = 0; i < cf.npeer; i++) {
		if (!in_dump[i])
			continue;
		q_wait(&cf.peer[i], SYNC_REC_MAX);
		out_rec(&cf.peer[i], &mark, now_ms());
		in_dump[i] = false;
	}
}

/* Every refresh: what packets used since the last one, to every peer. */
static void refresh(void)
{
	unsigned int i;

	for (i = 0; i < cf.npeer; i++) {
		cf.peer[i].stalled = false;
		in_dump[i] = cf.peer[i].out == OUT_CONNECTED;
	}
	st.refreshes++;
	dump_sessions(cf.refresh * 1000 + 1000);
	for (i = 0; i < cf.npeer; i++)
		in_dump[i] = false;
}

/* Events lost since we last looked: every peer gets all again. */
static void check_loss(void)
{
	unsigned long long lost = ev_lost(&st.ev);
	unsigned int i;

	/* A late lower number (another CPU's) makes a gap good again. */
	if (lost < st.lost_seen)
		st.lost_seen = lost;
	if (lost == st.lost_seen && st.enobufs == st.enobufs_seen)
		return;
	logmsg("events lost (%llu in all, %llu overflows): full resync",
	       lost, st.enobufs);
	st.lost_seen = lost;
	st.enobufs_seen = st.enobufs;
	for (i = 0; i < cf.npeer; i++)
		cf.peer[i].resync = true;
}

/* ---- status ---- */

static const char *const out_names[] = {
	[OUT_IDLE] = "connecting", [OUT_CONNECTING] = "connecting",
	[OUT_HELLO] = "handshake", [OUT_CONNECTED] = "connected",
};
static const char *const in_names[] = {
	[IN_NONE] = "none", [IN_HELLO] = "handshake",
	[IN_ANSWER] = "handshake", [IN_CONNECTED] = "connected",
};

static void status_body(FILE *f)
{
	uint64_t now = now_ms();
	unsigned int i;

	fprintf(f, "{\"peers\":[");
	for (i = 0; i < cf.npeer; i++) {
		struct peer *p = &cf.peer[i];

		fprintf(f, "%s{\"address\":\"%s\",\"port\":%u,\"out\":\"%s\","
			"\"in\":\"%s\",\"sent\":%llu,\"received\":%llu,"
			"\"applied\":%llu,\"refused\":%llu,\"del-missing\":%llu,"
			"\"filtered\":%llu,\"dropped\":%llu,\"bad\":%llu,"
			"\"queue-bytes\":%zu,\"queue-records\":%zu,"
			"\"lag-ms\":%llu,\"resyncs\":%llu,\"connects\":%llu,"
			"\"last-received-ms\":%lld}",
			i ? "," : "", p->name, p->port, out_names[p->out],
			in_names[p->in], p->sent, p->received, p->applied,
			p->refused, p->del_missing, p->filtered, p->dropped,
			p->bad, p->q.bytes, p->q.n,
			(unsigned long long)q_lag(&p->q, now), p->resyncs,
			p->connects,
			p->last_rx ? (long long)(now - p->last_rx) : -1LL);
	}
	fprintf(f, "],\"events\":%llu,\"events-lost\":%llu,"
		"\"socket-overflows\":%llu,\"no-rule\":%llu,\"malformed\":%llu,"
		"\"refreshes\":%llu,\"strangers\":%llu}\n",
		st.ev.events, ev_lost(&st.ev), st.enobufs, st.no_rule,
		st.malformed, st.refreshes, st.strangers);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nat64-syncd [-f] [-c FILE]\n"
		"  -c FILE   configuration (default " SYNCD_CONF ")\n"
		"  -f        stay in the foreground\n"
		"See nat64-syncd(8).\n");
	exit(2);
}

static int listen_open(void)
{
	int one = 1;

	lfd = socket(cf.listen.ss_family,
		     SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&cf.listen, cf.listenlen) ||
	    listen(lfd, 16)) {
		logmsg("listen: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void write_pid(void)
{
	FILE *f = fopen(cf.pidfile, "w");

	if (!f) {
		logmsg("%s: %s", cf.pidfile, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* One round of the loop's sockets: what they want, then what they got. */
static struct pollfd pfd[2 + 2 * MAX_PEERS];

int main(int argc, char **argv)
{
	const char *conf = SYNCD_CONF;
	uint64_t now, last_status = 0, last_refresh;
	bool foreground = false;
	unsigned int i, n;
	int opt;

	ctl_prog = "nat64-syncd";
	while ((opt = getopt(argc, argv, "c:fh")) != -1) {
		if (opt == 'c')
			conf = optarg;
		else if (opt == 'f')
			foreground = true;
		else
			usage();
	}
	if (optind != argc)
		usage();
	if (conf_read(conf))
		return 1;
	for (i = 0; i < cf.npeer; i++) {
		cf.peer[i].ofd = cf.peer[i].ifd = -1;
		cf.peer[i].backoff = BACKOFF_MIN;
	}
	ev = ctl_nl_open();
	dump = ev ? ctl_nl_open() : NULL;
	apply = dump ? ctl_nl_open() : NULL;
	apply_cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!apply || !apply_cb || ctl_nl_join(ev, "events", cf.rcvbuf))
		return 1;
	/* Several requests in flight: their answers matched by number. */
	nl_cb_set(apply_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	nl_cb_set(apply_cb, NL_CB_ACK, NL_CB_CUSTOM, on_apply_ack, NULL);
	nl_cb_err(apply_cb, NL_CB_CUSTOM, on_apply_err, NULL);
	ev_start(&st.ev, dump);
	if (cf.has_listen && listen_open())
		return 1;
	if (!foreground && daemon(0, 1)) {
		logmsg("daemon: %s", strerror(errno));
		return 1;
	}
	write_pid();
	signals_init(true);
	rules_read();
	logmsg("%u peer(s)%s", cf.npeer,
	       cf.has_listen ? "" : "; not receiving (no listen line)");
	last_refresh = now_ms();
	while (!stop) {
		now = now_ms();
		if (got_usr2) {
			got_usr2 = 0;
			logmsg("SIGUSR2: full resync");
			for (i = 0; i < cf.npeer; i++)
				cf.peer[i].resync = true;
		}
		check_loss();
		if (now - last_refresh >= cf.refresh * 1000ULL) {
			last_refresh = now;
			rules_read();
			refresh();
		}
		resync();
		for (i = 0; i < cf.npeer; i++) {
			struct peer *p = &cf.peer[i];
			struct sync_rec ka = { .type = SYNC_KEEPALIVE };
			struct timespec ts;

			out_connect(p, now);
			if ((p->out == OUT_CONNECTING || p->out == OUT_HELLO) &&
			    now >= p->deadline)
				out_close(p, "handshake timed out");
			if ((p->in == IN_HELLO || p->in == IN_ANSWER) &&
			    now >= p->ideadline)
				in_close(p, "handshake timed out");
			if (p->in == IN_CONNECTED &&
			    now - p->last_rx >= DEAD_MS)
				in_close(p, "silent for 10 s");
			if (p->out == OUT_CONNECTED && !p->q.n &&
			    now - p->last_tx >= IDLE_MS) {
				clock_gettime(CLOCK_REALTIME, &ts);
				ka.time_ns = (uint64_t)ts.tv_sec * 1000000000 +
					     ts.tv_nsec;
				out_rec(p, &ka, now);
			}
			out_flush(p);
			in_ask(p);
		}
		if (now - last_status >= 1000 || dump_status) {
			status_write(cf.status, status_body);
			last_status = now;
			dump_status = 0;
		}

		n = 0;
		pfd[n].fd = nl_socket_get_fd(ctl_nl_sock(ev));
		pfd[n++].events = POLLIN;
		pfd[n].fd = lfd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < cf.npeer; i++) {
			struct peer *p = &cf.peer[i];

			pfd[n].fd = p->ofd;
			pfd[n++].events = p->out == OUT_CONNECTING ? POLLOUT :
					  POLLIN | (p->q.n ? POLLOUT : 0);
			pfd[n].fd = p->ifd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, 200) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		now = now_ms();
		if (pfd[0].revents)
			ctl_nl_drain(ev, on_event, NULL, &stop, &st.enobufs);
		if (pfd[1].revents & POLLIN)
			in_accept(now);
		for (i = 0; i < cf.npeer; i++) {
			struct peer *p = &cf.peer[i];
			short ro = pfd[2 + 2 * i].revents;
			short ri = pfd[3 + 2 * i].revents;

			/* The descriptors may have changed meanwhile. */
			if (pfd[2 + 2 * i].fd == p->ofd && p->ofd >= 0 && ro) {
				if (p->out == OUT_CONNECTING)
					out_hello(p, now);
				else if (ro & (POLLIN | POLLERR | POLLHUP))
					out_read(p, now);
				if (ro & POLLOUT)
					out_flush(p);
			}
			if (pfd[3 + 2 * i].fd == p->ifd && p->ifd >= 0 && ri)
				in_read(p, now);
		}
		apply_flush();
	}
	apply_flush();
	for (i = 0; i < cf.npeer; i++) {
		out_flush(&cf.peer[i]);
		out_close(&cf.peer[i], "stopped");
		in_close(&cf.peer[i], "stopped");
	}
	status_write(cf.status, status_body);
	unlink(cf.pidfile);
	logmsg("stopped: %llu events, %llu lost", st.ev.events,
	       ev_lost(&st.ev));
	nl_cb_put(apply_cb);
	ctl_nl_close(apply);
	ctl_nl_close(dump);
	ctl_nl_close(ev);
	return 0;
}

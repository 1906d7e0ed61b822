// SPDX-License-Identifier: GPL-2.0
/* What nat64-logd and nat64-syncd have in common: see daemon.h. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "daemon.h"
#include "nl.h"

volatile int stop;
volatile sig_atomic_t dump_status, got_usr2;

void logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctl_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int parse_uint(const char *s, unsigned long lo, unsigned long hi,
	       unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || !*s || *v < lo || *v > hi ? -1 : 0;
}

/* @w (@n words) as one of @sets: 1 (taken), 0 (none of them), -1 (wrong). */
static int conf_set(const struct conf_set *sets, char **w, int n)
{
	const struct conf_set *s;
	unsigned long v;

	for (s = sets; s->name; s++) {
		if (strcmp(w[0], s->name))
			continue;
		if (n != 2)
			return -1;
		if (s->num) {
			if (parse_uint(w[1], s->lo, s->hi, &v))
				return -1;
			*s->num = v;
			return 1;
		}
		if (strlen(w[1]) >= s->size)
			return -1;
		strcpy(s->str, w[1]);
		return 1;
	}
	return 0;
}

int conf_read_lines(const char *path, const struct conf_set *sets,
		    int (*line_fn)(char **w, int n))
{
	char line[1024], *w[8], *save, *hash;
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int n, rc;

	if (!f) {
		logmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		n = 0;
		for (w[0] = strtok_r(line, " \t\r\n", &save); w[n] && n < 7;
		     w[n] = strtok_r(NULL, " \t\r\n", &save))
			n++;
		if (!n)
			continue;
		rc = n < 7 ? conf_set(sets, w, n) : -1;
		if (rc < 0 || (!rc && line_fn(w, n))) {
			logmsg("%s:%u: not understood: %s", path, lineno, w[0]);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int on_stats(struct nlattr **tb, void *arg)
{
	unsigned long long *seq = arg;

	if (tb[NAT64_A_SEQ] && nla_len(tb[NAT64_A_SEQ]) == 8)
		*seq = nla_get_u64(tb[NAT64_A_SEQ]);
	return 0;
}

void ev_start(struct ev_account *a, struct ctl_nl *nl)
{
	/* Joined: every event numbered above this one comes to us. */
	a->base = 0;
	ctl_nl_run(nl, ctl_nl_msg(nl, NAT64_CMD_GET_STATS, false), on_stats,
		   &a->base, "stats");
	a->high = a->base;
}

unsigned long long ev_kernel_last(struct ctl_nl *nl)
{
	unsigned long long last = 0;

	ctl_nl_run(nl, ctl_nl_msg(nl, NAT64_CMD_GET_STATS, false), on_stats,
		   &last, "stats");
	return last;
}

void ev_due(struct ev_account *a, unsigned long long last)
{
	if (last > a->high)
		a->high = last;
}

int ev_seen(struct ev_account *a, struct nlattr **tb)
{
	unsigned long long seq;

	if (!tb[NAT64_A_EVENT] || !tb[NAT64_A_SEQ] ||
	    nla_len(tb[NAT64_A_SEQ]) != 8)
		return -1;
	seq = nla_get_u64(tb[NAT64_A_SEQ]);
	/*
	 * The numbers above base (all events made after this daemon
	 * joined) up to the highest received, less those received. A
	 * lower number may come after a higher one (events are sent from
	 * every CPU): it is received all the same.
	 */
	if (seq > a->base) {
		a->events++;
		if (seq > a->high)
			a->high = seq;
	}
	return 0;
}

unsigned long long ev_lost(const struct ev_account *a)
{
	return a->high > a->base ? a->high - a->base - a->events : 0;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_status = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		stop = 1;
}

void signals_init(bool usr2)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (usr2)
		sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void status_write(const char *path, void (*fn)(FILE *f))
{
	char tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fn(f);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nat64-logd and nat64-syncd have in common: their messages, their
 * configuration file's syntax, the account of kernel events they lost,
 * their signals and their status file. One copy, so that the two daemons
 * read, count and report alike.
 */
#ifndef NAT64_DAEMON_H
#define NAT64_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct ctl_nl;
struct nlattr;

/* "PROG: message" and a newline on stderr, PROG being ctl_prog. */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* @clock in milliseconds: CLOCK_REALTIME for records, _MONOTONIC for timers. */
uint64_t clock_ms(clockid_t clock);

/* A decimal number from @lo to @hi into *@v: 0, or -1. */
int parse_uint(const char *s, unsigned long lo, unsigned long hi,
	       unsigned long *v);

/*
 * A setting of one value, "NAME VALUE": a number from lo to hi into
 * *num, or a string shorter than size into str.
 */
struct conf_set {
	const char *name;
	unsigned long lo, hi, *num;
	char *str;
	size_t size;
};

/*
 * The configuration file @path: '#' to the end of a line a comment, a
 * line's words (blanks between, 6 at most) one of @sets (ended by a NULL
 * name), or else to @line_fn: 0, or -1 for "PATH:LINE: not understood:
 * WORD". 0, or -1 with the message printed (the file cannot be read, a
 * line not understood).
 */
int conf_read_lines(const char *path, const struct conf_set *sets,
		    int (*line_fn)(char **w, int n));

/*
 * The account of kernel events lost: each event carries a number
 * (NAT64_A_SEQ); those this daemon never got are the numbers missing
 * between base and the highest it did get.
 */
struct ev_account {
	unsigned long long events;	/* received, numbered above base */
	unsigned long long base;	/* the kernel's last number at start */
	unsigned long long high;	/* the highest number received */
};

/* Once joined: the kernel's last number (GET_STATS on @nl) is the base. */
void ev_start(struct ev_account *a, struct ctl_nl *nl);
/* The kernel's last event number (GET_STATS on @nl). */
unsigned long long ev_kernel_last(struct ctl_nl *nl);
/*
 * Every number up to @last is due: received, or lost. For a @last read
 * before the events socket was last drained (to EAGAIN): so the events
 * dropped after the highest one received are counted too.
 */
void ev_due(struct ev_account *a, unsigned long long last);
/* A NAT64_CMD_EVENT's number counted: 0, or -1 if it has no type or number. */
int ev_seen(struct ev_account *a, struct nlattr **tb);
unsigned long long ev_lost(const struct ev_account *a);

/*
 * Set by the signals: TERM and INT stop the daemon, USR1 asks for the
 * status file now, USR2 (when signals_init() was asked for it) means
 * what the daemon says. A collector or peer gone (SIGPIPE) is an error
 * of its send, not the end.
 */
extern volatile int stop;
extern volatile sig_atomic_t dump_status, got_usr2;
void signals_init(bool usr2);

/*
 * The status file @path, written by @fn to PATH.tmp and renamed into
 * place: a reader never sees half of it.
 */
void status_write(const char *path, void (*fn)(FILE *f));

#endif

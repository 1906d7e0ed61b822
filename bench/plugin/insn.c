// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c: a QEMU TCG plugin that counts the guest instructions executed.
 *
 * Debian packages neither qemu-plugin.h nor the contrib plugins, so the
 * few declarations of the plugin API (version 1, QEMU 7.x) used here are
 * written out below. Every translated block gets an inline "add u64" of
 * its instruction count onto one counter: cheap, but not per vCPU, so run
 * the guest with -smp 1. At exit the total goes to the file given as
 * "out=PATH" (as a decimal number and a newline) and to QEMU's log
 * (-d plugin).
 *
 *   gcc -shared -fPIC -O2 -o insn.so insn.c
 *   qemu-system-x86_64 -smp 1 -plugin ./insn.so,out=/tmp/count ...
 *
 * Marks: each time the guest executes the marker instruction
 *
 *   nopl 0x6e343642(%rax)    (0f 1f 80 42 36 34 6e, a no-op, "B64n")
 *
 * (bench/mark.c is a program that does just that) the count so far is
 * recorded, and written at exit as "mark COUNT" lines after the
 * "total COUNT" line. The instructions between two marks are then known
 * without the noise of booting, which varies by millions from boot to
 * boot. A block's count is added when the block starts, so a mark
 * includes the rest of the block holding the marker: the same constant
 * every time.
 *
 * A block left early (an exception inside it) is still counted whole;
 * that is rare and the same from run to run.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;	/* only passed through */

enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };

struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS = 0 };

typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb,
				    void *userdata);
void qemu_plugin_outs(const char *string);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_MARKS 4096

static const unsigned char marker[] = { 0x0f, 0x1f, 0x80, 0x42, 0x36, 0x34, 0x6e };
static uint64_t insns;
static uint64_t marks[MAX_MARKS];
static unsigned int n_marks, lost_marks;
static char *out_path;

static void on_marker(unsigned int vcpu_index, void *userdata)
{
	(void)vcpu_index;
	(void)userdata;
	if (n_marks < MAX_MARKS)
		marks[n_marks++] = insns;
	else
		lost_marks++;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &insns, n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
		    memcmp(qemu_plugin_insn_data(insn), marker,
			   sizeof(marker)) == 0)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	char line[64];
	unsigned int i;
	FILE *f;

	(void)id;
	(void)userdata;
	snprintf(line, sizeof(line), "insns %" PRIu64 " marks %u\n", insns,
		 n_marks);
	qemu_plugin_outs(line);
	if (!out_path)
		return;
	f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return;
	}
	fprintf(f, "total %" PRIu64 "\n", insns);
	for (i = 0; i < n_marks; i++)
		fprintf(f, "mark %" PRIu64 "\n", marks[i]);
	if (lost_marks)
		fprintf(f, "lost-marks %u\n", lost_marks);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "out=", 4) == 0) {
			out_path = strdup(argv[i] + 4);
		} else {
			fprintf(stderr, "insn plugin: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}

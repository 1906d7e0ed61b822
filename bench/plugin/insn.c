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

typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb,
				    void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t insns;
static char *out_path;

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &insns,
						 qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	char line[64];
	FILE *f;

	(void)id;
	(void)userdata;
	snprintf(line, sizeof(line), "insns %" PRIu64 "\n", insns);
	qemu_plugin_outs(line);
	if (!out_path)
		return;
	f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return;
	}
	fprintf(f, "%" PRIu64 "\n", insns);
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

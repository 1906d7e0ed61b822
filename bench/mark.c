// SPDX-License-Identifier: GPL-2.0
/*
 * mark: executes the marker instruction that bench/plugin/insn.c watches
 * for, once, and exits. No libc: the same few instructions every time.
 *   gcc -static -nostdlib -O2 -o mark mark.c
 */
void _start(void)
{
	/* nopl 0x6e343642(%rax): a no-op that no compiler emits. */
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x42, 0x36, 0x34, 0x6e");
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}

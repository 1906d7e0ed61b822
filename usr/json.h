/* SPDX-License-Identifier: GPL-2.0 */
/* nat64ctl: JSON output helpers. */
#ifndef NAT64CTL_JSON_H
#define NAT64CTL_JSON_H

#include <stdio.h>

/*
 * Write the compact JSON text @in to @out indented (-p): one member or
 * element a line, two spaces a level, ": " after names, empty objects
 * and arrays as {} and []. Text outside strings that is not JSON
 * punctuation is copied as it is.
 */
void json_pretty(FILE *out, const char *in);

#endif

// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>

#include "json.h"

static void newline(FILE *out, int depth)
{
	fputc('\n', out);
	while (depth-- > 0)
		fputs("  ", out);
}

/* The next character that is not white space, from @s. */
static char peek(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s;
}

void json_pretty(FILE *out, const char *in)
{
	int depth = 0, in_str = 0, esc = 0;
	const char *s;

	for (s = in; *s; s++) {
		char c = *s;

		if (in_str) {
			fputc(c, out);
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			fputc(c, out);
			break;
		case '{':
		case '[':
			fputc(c, out);
			if (peek(s + 1) == (c == '{' ? '}' : ']')) {
				s++;
				while (isspace((unsigned char)*s))
					s++;
				fputc(*s, out);
				break;
			}
			newline(out, ++depth);
			break;
		case '}':
		case ']':
			newline(out, depth > 0 ? --depth : 0);
			fputc(c, out);
			break;
		case ',':
			fputc(c, out);
			newline(out, depth);
			break;
		case ':':
			fputs(": ", out);
			break;
		case '\n':
			/* Between top-level values (JSON lines): keep it. */
			if (!depth)
				fputc(c, out);
			break;
		default:
			if (!isspace((unsigned char)c))
				fputc(c, out);
		}
	}
}

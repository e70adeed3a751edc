/* emit.c: libFuzzer harness for kiln-crunch's output (crunch_emit,
 * tools/crunch/emit.c): the C source a baked directory becomes must carry
 * every key and every file's bytes exactly, whatever bytes the names and
 * contents hold (the walk refuses control characters in names; the emitter
 * must not rely on it).
 *
 * Input: records [key length][key][data length hi, lo][data] make a file
 * list (at most 16 files); it is emitted to a file in /dev/shm (or /tmp),
 * read back, and each key's string literal and each file's byte array are
 * decoded as a C compiler would and compared with the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crunch.h"

#define FILES_MAX 16

static char out_path[64];

/* Decode the C string literal at *p (after its opening quote) into out;
 * advance *p past the closing quote. Only the escapes the emitter may use. */
static size_t decode_cstring(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;
	while (*s != '"') {
		char c = *s++;
		if (c == '\0' || c == '\n')
			abort(); /* the literal must close on its line */
		if (c == '\\') {
			if (s[0] >= '0' && s[0] <= '7') {
				unsigned v = 0;
				for (int i = 0; i < 3 && s[0] >= '0' && s[0] <= '7'; i++)
					v = v * 8 + (unsigned)(*s++ - '0');
				c = (char)v;
			} else if (s[0] == '"' || s[0] == '\\' || s[0] == '?') {
				c = *s++;
			} else {
				abort();
			}
		} else if (c == '?' && s[0] == '?') {
			abort(); /* a trigraph could start here */
		}
		if (n < cap)
			out[n] = c;
		n++;
	}
	*p = s + 1;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct crunch_file files[FILES_MAX];
	static char text[4 << 20];
	struct crunch_list l = {files, 0, FILES_MAX};
	size_t pos = 0;

	if (!out_path[0])
		snprintf(out_path, sizeof out_path, "%s/kiln-crunch-fuzz.%d.c",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
	while (l.count < FILES_MAX && pos < size) {
		size_t kl = data[pos++];
		if (kl == 0 || kl > size - pos)
			break;
		struct crunch_file *f = &files[l.count];
		memset(f, 0, sizeof *f);
		f->key = malloc(kl + 1);
		memcpy(f->key, data + pos, kl);
		f->key[kl] = '\0';
		pos += kl;
		size_t dl = 0;
		if (size - pos >= 2) {
			dl = (size_t)data[pos] << 8 | data[pos + 1];
			pos += 2;
		}
		if (dl > size - pos)
			dl = size - pos;
		f->size = dl;
		f->data = dl ? malloc(dl) : NULL;
		if (dl)
			memcpy(f->data, data + pos, dl);
		pos += dl;
		f->mtime_ns = pos;
		l.count++;
	}
	if (crunch_emit(&l, "fz", out_path) != 0)
		abort();
	FILE *fp = fopen(out_path, "r");
	size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
	if (fp)
		fclose(fp);
	text[n] = '\0';
	/* The entries: one "\t{" line per file, in list order. */
	const char *p = strstr(text, "_entries[");
	for (size_t i = 0; p && i < l.count; i++) {
		char key[512];
		p = strstr(p, "\n\t{\"");
		if (!p)
			abort();
		p += 4;
		size_t kl = decode_cstring(&p, key, sizeof key);
		if (kl != strlen(files[i].key) || memcmp(key, files[i].key, kl) != 0)
			abort();
	}
	/* The byte arrays: "fz_fI[N] = {" then 0xHH, values. */
	for (size_t i = 0; i < l.count; i++) {
		if (!files[i].size)
			continue;
		char head[64];
		snprintf(head, sizeof head, "fz_f%zu[%zu] = {\n", i, files[i].size);
		const char *b = strstr(text, head);
		if (!b)
			abort();
		b += strlen(head);
		for (size_t j = 0; j < files[i].size; j++) {
			while (*b == '\n')
				b++;
			unsigned v;
			if (sscanf(b, "0x%2x,", &v) != 1 || v != files[i].data[j])
				abort();
			b += 5;
		}
	}
	if (!p && l.count)
		abort();
	for (size_t i = 0; i < l.count; i++) {
		free(files[i].key);
		free(files[i].data);
	}
	unlink(out_path);
	return 0;
}

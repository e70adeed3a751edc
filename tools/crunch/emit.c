/* emit.c: kiln-crunch's output: the C file of a baked kv store (kv.h). */
#include "crunch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/kv.h>

/* A C string literal for any bytes: printable ASCII as is, the rest as
 * three-digit octal escapes (never hex: a hex escape swallows following
 * hex digits). '?' is escaped against trigraphs. */
static void put_cstring(FILE *f, const char *s)
{
	const unsigned char *p;
	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			fprintf(f, "\\%c", *p);
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, f);
		else
			fprintf(f, "\\%03o", *p);
	}
	fputc('"', f);
}

static void put_bytes(FILE *f, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char line[16 * 6 + 2];
	for (size_t i = 0; i < n; i += 16) {
		size_t k = 0;
		for (size_t j = i; j < n && j < i + 16; j++) {
			line[k++] = '0', line[k++] = 'x';
			line[k++] = hex[d[j] >> 4], line[k++] = hex[d[j] & 15];
			line[k++] = ',';
		}
		line[k++] = '\n';
		fwrite(line, 1, k, f);
	}
}

/* The entity-tag: the first 128 bits of the SHA-256, quoted. 128 bits keep
 * collisions out of reach while keeping headers short. */
static void etag_of(const uint8_t digest[32], char out[35])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = '"';
	for (int i = 0; i < 16; i++) {
		out[1 + 2 * i] = hex[digest[i] >> 4];
		out[2 + 2 * i] = hex[digest[i] & 15];
	}
	out[33] = '"';
	out[34] = 0;
}

int crunch_emit(const struct crunch_list *l, const char *sym, const char *out_path)
{
	char tmp[4096];
	size_t total = 0;
	FILE *f;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", out_path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "kiln-crunch: %s: path too long\n", out_path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "kiln-crunch: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < l->count; i++)
		total += l->files[i].size;
	fprintf(f, "/* %s.c: files baked in by kiln-crunch (docs/kv.md): %zu files, %zu bytes.\n"
		   " * Generated: do not edit. */\n"
		   "#include <kiln/kv.h>\n\n"
		   "_Static_assert(KV_BAKED_VERSION == %d, \"regenerate with this tree's kiln-crunch\");\n",
		sym, l->count, total, KV_BAKED_VERSION);
	for (size_t i = 0; i < l->count; i++) {
		if (!l->files[i].size)
			continue;
		fprintf(f, "\n/* ");
		for (const char *p = l->files[i].key; *p; p++)
			fputc((*p == '*' || (unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) ? '_' : *p, f);
		fprintf(f, " */\nstatic const uint8_t %s_f%zu[%zu] = {\n", sym, i, l->files[i].size);
		put_bytes(f, l->files[i].data, l->files[i].size);
		fprintf(f, "};\n");
	}
	fprintf(f, "\nstatic const struct kv_baked_entry %s_entries[%zu] = {\n", sym,
		l->count ? l->count : 1);
	for (size_t i = 0; i < l->count; i++) {
		const struct crunch_file *cf = &l->files[i];
		char etag[35];
		fprintf(f, "\t{");
		put_cstring(f, cf->key);
		fprintf(f, ", %zu, ", strlen(cf->key));
		if (cf->size)
			fprintf(f, "%s_f%zu, %zuu, ", sym, i, cf->size);
		else
			fprintf(f, "0, 0u, ");
		fprintf(f, "%lluull,\n\t {", (unsigned long long)cf->mtime_ns);
		for (int j = 0; j < 32; j++)
			fprintf(f, "0x%02x%s", cf->digest[j], j < 31 ? "," : "");
		etag_of(cf->digest, etag);
		fprintf(f, "},\n\t ");
		put_cstring(f, etag);
		fprintf(f, "},\n");
	}
	fprintf(f, "};\n\nstatic const struct kv_baked %s_baked = {%s_entries, %zu};\n"
		   "const struct kv_store %s = {&kv_baked_ops, &%s_baked};\n",
		sym, sym, l->count, sym, sym);
	if (ferror(f) | (fclose(f) != 0)) {
		fprintf(stderr, "kiln-crunch: %s: write failed\n", tmp);
		remove(tmp);
		return -1;
	}
	if (rename(tmp, out_path) < 0) {
		fprintf(stderr, "kiln-crunch: %s: %s\n", out_path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

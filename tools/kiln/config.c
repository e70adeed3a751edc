/* config.c: the kiln.conf parser (format in docs/config.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

const char conf_known_keys[] =
	"name, net, block, libs, mem, forward, files, cflags, ldflags, sources";

/* "PATH:LINE: " + the message. */
static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	int n = line > 0 ? snprintf(err, errlen, "%s:%d: ", path, line)
			 : snprintf(err, errlen, "%s: ", path);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* NULL if s is a valid appliance/device name, else why not. */
static const char *name_problem(const char *s)
{
	size_t n = strlen(s);

	if (n > KILN_NAME_MAX)
		return "longer than 67 characters";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]))
			return "only letters and digits are allowed";
	return NULL;
}

/* An appliance's name may also hold '-' and '_' (not first): it names files
 * and C strings, never a C identifier. */
static const char *app_name_problem(const char *s)
{
	size_t n = strlen(s);

	if (n > KILN_NAME_MAX)
		return "longer than 67 characters";
	if (!is_alnum(s[0]))
		return "it starts with a letter or digit";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return "only letters, digits, '-' and '_' are allowed";
	return NULL;
}

static const char *lib_name_problem(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KILN_LIB_NAME_MAX)
		return "a library name has 1 to 31 characters";
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return "a library name has lowercase letters, digits and '_'";
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int add_device(struct kiln_conf *c, const char *key, enum conf_dev_type t,
		      const char *value, int line, char *err, size_t errlen)
{
	const char *why = name_problem(value);

	if (strpbrk(value, " \t"))
		return fail(err, errlen, c->path, line,
			    "one device per '%s' line ('%s' has spaces)", key, value);
	if (why)
		return fail(err, errlen, c->path, line, "bad %s device name '%s': %s", key,
			    value, why);
	for (unsigned i = 0; i < c->ndev; i++)
		if (strcmp(c->dev[i].name, value) == 0)
			return fail(err, errlen, c->path, line,
				    "duplicate device name '%s' (first declared on line %d)",
				    value, c->dev[i].line);
	if (c->ndev == KILN_CONF_MAX_DEVICES)
		return fail(err, errlen, c->path, line, "more than %d devices",
			    KILN_CONF_MAX_DEVICES);
	struct conf_dev *d = &c->dev[c->ndev++];
	snprintf(d->name, sizeof d->name, "%s", value);
	d->type = t;
	d->line = line;
	return 0;
}

static int add_libs(struct kiln_conf *c, char *value, int line, char *err, size_t errlen)
{
	char *save = NULL;

	for (char *w = strtok_r(value, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		const char *why = lib_name_problem(w);
		if (why)
			return fail(err, errlen, c->path, line, "bad library name '%s': %s", w, why);
		bool seen = false;
		for (unsigned i = 0; i < c->nlib; i++)
			seen |= strcmp(c->lib[i].name, w) == 0;
		if (seen)
			continue; /* naming a library twice is harmless */
		if (c->nlib == KILN_MAX_LIBS)
			return fail(err, errlen, c->path, line, "more than %d libraries",
				    KILN_MAX_LIBS);
		snprintf(c->lib[c->nlib].name, sizeof c->lib[c->nlib].name, "%s", w);
		c->lib[c->nlib++].line = line;
	}
	return 0;
}

static int set_mem(struct kiln_conf *c, const char *value, int line, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	if (value[0] < '0' || value[0] > '9')
		goto bad;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end != '\0' || v < KILN_MEM_MIN || v > KILN_MEM_MAX)
		goto bad;
	c->mem_mib = (unsigned)v;
	return 0;
bad:
	return fail(err, errlen, c->path, line,
		    "bad mem '%s': a whole number of MiB from %d to %d", value, KILN_MEM_MIN,
		    KILN_MEM_MAX);
}

static bool parse_port(const char *s, const char **end, unsigned *port)
{
	unsigned long v = 0;
	const char *p = s;

	/* Digits only: no sign, no spaces, no leading '+' that strtoul takes. */
	while (*p >= '0' && *p <= '9' && p - s < 6)
		v = v * 10 + (unsigned long)(*p++ - '0');
	*end = p;
	if (p == s || v < 1 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

int conf_parse_forward(const char *s, struct conf_forward *f, char *err, size_t errlen)
{
	const char *p = s, *end;

	memset(f, 0, sizeof *f);
	f->udp = f->tcp = true;
	if (strncmp(p, "udp:", 4) == 0)
		f->tcp = false, p += 4;
	else if (strncmp(p, "tcp:", 4) == 0)
		f->udp = false, p += 4;
	if (strlen(s) >= sizeof f->spec || !parse_port(p, &end, &f->host_port) || *end != ':' ||
	    !parse_port(end + 1, &end, &f->guest_port) || *end != '\0') {
		snprintf(err, errlen, "expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1 to 65535");
		return -1;
	}
	snprintf(f->spec, sizeof f->spec, "%s", s);
	return 0;
}

static int add_forward(struct kiln_conf *c, const char *value, int line, char *err,
		       size_t errlen)
{
	char why[128];

	if (c->nforward == KILN_MAX_FORWARDS)
		return fail(err, errlen, c->path, line, "more than %d forwards",
			    KILN_MAX_FORWARDS);
	if (conf_parse_forward(value, &c->forward[c->nforward], why, sizeof why) < 0)
		return fail(err, errlen, c->path, line, "bad forward '%s': %s", value, why);
	for (unsigned i = 0; i < c->nforward; i++) {
		const struct conf_forward *o = &c->forward[i], *n = &c->forward[c->nforward];
		if (o->host_port == n->host_port && ((o->udp && n->udp) || (o->tcp && n->tcp)))
			return fail(err, errlen, c->path, line,
				    "forward '%s': host port %u is already forwarded on line %d",
				    value, n->host_port, o->line);
	}
	c->forward[c->nforward++].line = line;
	return 0;
}

/* One "key = value" line (comment already cut, trimmed, not empty). */
static int parse_line(struct kiln_conf *c, char *s, int line, int *name_line,
		      int *mem_line, char *err, size_t errlen)
{
	char *eq = strchr(s, '=');

	if (eq == NULL)
		return fail(err, errlen, c->path, line, "expected 'key = value', got '%s'", s);
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	if (key[0] == '\0')
		return fail(err, errlen, c->path, line, "missing key before '='");
	if (value[0] == '\0')
		return fail(err, errlen, c->path, line, "empty value for '%s'", key);

	if (strcmp(key, "name") == 0) {
		const char *why = app_name_problem(value);
		if (*name_line)
			return fail(err, errlen, c->path, line,
				    "'name' given twice (first on line %d)", *name_line);
		if (why)
			return fail(err, errlen, c->path, line, "bad name '%s': %s", value, why);
		snprintf(c->name, sizeof c->name, "%s", value);
		*name_line = line;
		return 0;
	}
	if (strcmp(key, "net") == 0)
		return add_device(c, key, CONF_NET, value, line, err, errlen);
	if (strcmp(key, "block") == 0)
		return add_device(c, key, CONF_BLOCK, value, line, err, errlen);
	if (strcmp(key, "libs") == 0)
		return add_libs(c, value, line, err, errlen);
	if (strcmp(key, "forward") == 0)
		return add_forward(c, value, line, err, errlen);
	if (strcmp(key, "files") == 0) {
		if (c->files_line)
			return fail(err, errlen, c->path, line,
				    "'files' given twice (first on line %d)", c->files_line);
		/* make takes the path as a word: no whitespace or make syntax. */
		if (strpbrk(value, " \t$:;%\\\"'"))
			return fail(err, errlen, c->path, line,
				    "bad files directory '%s': no spaces or any of $:;%%\\\"' "
				    "in the path", value);
		if (strlen(value) >= sizeof c->files)
			return fail(err, errlen, c->path, line, "files path too long");
		snprintf(c->files, sizeof c->files, "%s", value);
		c->files_line = line;
		return 0;
	}
	if (strcmp(key, "sources") == 0) {
		size_t used = strlen(c->sources);
		/* Globs relative to the appliance, each a make word in the end. */
		if (strpbrk(value, "$\\\"'`#;|&<>():%") || value[0] == '/' || strstr(value, ".."))
			return fail(err, errlen, c->path, line,
				    "bad sources '%s': globs relative to the appliance's directory, "
				    "without '..' or any of $\\\"'`#;|&<>():%%", value);
		if (used + strlen(value) + 2 > sizeof c->sources)
			return fail(err, errlen, c->path, line, "sources too long");
		snprintf(c->sources + used, sizeof c->sources - used, "%s%s", used ? " " : "", value);
		if (!c->sources_line)
			c->sources_line = line;
		return 0;
	}
	if (strcmp(key, "cflags") == 0 || strcmp(key, "ldflags") == 0) {
		char *dst = key[0] == 'c' ? c->cflags : c->ldflags;
		size_t used = strlen(dst);
		/* Passed to make as one word per flag: no make or shell syntax. */
		if (strpbrk(value, "$\\\"'`#;|&<>()"))
			return fail(err, errlen, c->path, line,
				    "bad %s '%s': none of $\\\"'`#;|&<>() in flags", key, value);
		if (used + strlen(value) + 2 > sizeof c->cflags)
			return fail(err, errlen, c->path, line, "%s too long", key);
		snprintf(dst + used, sizeof c->cflags - used, "%s%s", used ? " " : "", value);
		return 0;
	}
	if (strcmp(key, "mem") == 0) {
		if (*mem_line)
			return fail(err, errlen, c->path, line,
				    "'mem' given twice (first on line %d)", *mem_line);
		*mem_line = line;
		return set_mem(c, value, line, err, errlen);
	}
	return fail(err, errlen, c->path, line, "unknown key '%s' (known: %s)", key,
		    conf_known_keys);
}

int conf_parse(struct kiln_conf *c, const char *path, const char *text, char *err,
	       size_t errlen)
{
	char buf[KILN_CONF_LINE_MAX + 1];
	int line = 0, name_line = 0, mem_line = 0;
	const char *p = text;

	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", path);
	c->mem_mib = KILN_MEM_DEFAULT;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		if (n > KILN_CONF_LINE_MAX)
			return fail(err, errlen, c->path, line, "line longer than %d bytes",
				    KILN_CONF_LINE_MAX);
		if (memchr(p, '\0', n))
			return fail(err, errlen, c->path, line, "NUL byte in line");
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (nl ? 1 : 0);

		char *hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(buf);
		if (*s == '\0')
			continue;
		if (parse_line(c, s, line, &name_line, &mem_line, err, errlen) < 0)
			return -1;
	}
	if (name_line == 0)
		return fail(err, errlen, c->path, line > 0 ? line : 1,
			    "no 'name = ...' line: an appliance needs a name");
	bool has_net = false;
	for (unsigned i = 0; i < c->ndev; i++)
		has_net |= c->dev[i].type == CONF_NET;
	if (c->nforward && !has_net)
		return fail(err, errlen, c->path, c->forward[0].line,
			    "'forward' needs a net device (a 'net = NAME' line) to forward to");
	return 0;
}

int conf_load(struct kiln_conf *c, const char *path, char *err, size_t errlen)
{
	size_t len;
	/* A config is a few lines; 1 MiB bounds what a wrong path could load. */
	char *text = read_file(path, 1 << 20, &len);

	if (text == NULL) {
		if (errno == ENOENT)
			return fail(err, errlen, path, 0,
				    "no such file (an appliance directory holds a kiln.conf; "
				    "'kiln new NAME' makes one)");
		return fail(err, errlen, path, 0, "cannot read: %s", strerror(errno));
	}
	if (strlen(text) != len) {
		free(text);
		return fail(err, errlen, path, 0, "NUL byte in file: not a kiln.conf");
	}
	int r = conf_parse(c, path, text, err, errlen);
	free(text);
	return r;
}

int conf_check_libs(const struct kiln_conf *c, const char *root, char *err, size_t errlen)
{
	for (unsigned i = 0; i < c->nlib; i++)
		if (!libgraph_exists(root, c->lib[i].name)) {
			char known[1024];
			libgraph_known(root, known, sizeof known);
			return fail(err, errlen, c->path, c->lib[i].line,
				    "unknown library '%s' (known: %s)", c->lib[i].name, known);
		}
	return 0;
}

/* args.c: reading boot arguments (see include/kiln/args.h). */
#include <kiln/args.h>

#include <stdlib.h>
#include <string.h>

const char *args_value(int argc, char **argv, const char *name)
{
	size_t len = strlen(name);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
			return argv[i] + len + 1;
	return NULL;
}

unsigned long args_ulong(int argc, char **argv, const char *name, unsigned long dflt)
{
	const char *v = args_value(argc, argv, name);
	return v ? strtoul(v, NULL, 10) : dflt;
}

bool args_flag(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return true;
	return false;
}

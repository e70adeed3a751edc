/* wiki.c: the wiki appliance (docs/wiki.md): pages as Markdown files in a
 * git-backed store (lib/kvgit) on the block device "disk", served by
 * kiln's httpd on port 80. Every save is one durable commit; the store is
 * a git repository (`kiln store export`).
 *
 * Boot arguments: --ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR] (else DHCP);
 * --branch=NAME (the branch pages live on, default main).
 * Routes: /wiki/NAME, /edit/NAME (GET: the form; POST: save), /history/NAME,
 * /diff/NAME?to=COMMIT[&from=COMMIT], /raw/NAME, /pages, / (to Home), and
 * /files/PATH: any file of the branch as it is (a repository imported with
 * `kiln store import`). */
#include <kiln/args.h>
#include <kiln/dhcp.h>
#include <kiln/fiber.h>
#include <kiln/httpd.h>
#include <kiln/net.h>
#include <kiln/nettcp.h>
#include <kiln/platform.h>

#include <stdio.h>
#include <string.h>

#include "wiki.h"

struct kvgit wiki_kv;
static struct store store;
static struct net net;
static struct dhcp_net dhcp;

static uint64_t wall_clock(void)
{
	return kiln_clock_wall();
}

static const struct http_route routes[] = {
	{"GET", "/wiki/", wiki_view, NULL},   {"GET", "/raw/", wiki_raw, NULL},
	{"GET", "/edit/", wiki_edit, NULL},   {"POST", "/edit/", wiki_save, NULL},
	{"GET", "/history/", wiki_history, NULL}, {"GET", "/diff/", wiki_diff, NULL},
	{"GET", "/pages", wiki_index, NULL},  {"GET", "/files/", wiki_file, NULL},
	{"GET", "/", wiki_root, NULL},
};
static struct http_server server = {routes, sizeof(routes) / sizeof(routes[0]), "kiln-wiki",
				    wall_clock, {0}, 0, {0}};

static int open_store(const char *branch)
{
	struct store_dev dev;
	if (store_dev_platform("disk", &dev)) {
		printf("wiki: no block device 'disk' (give --block:disk=FILE)\n");
		return -1;
	}
	int err = store_open(&store, &dev);
	if (err == STORE_EFORMAT) {
		/* A new (all-zero) disk becomes an empty store; anything else
		 * that is not a store is left alone. */
		static uint8_t block[512];
		dev.read(dev.ctx, 0, block, sizeof block);
		bool zero = true;
		for (size_t i = 0; i < sizeof block; i++)
			zero &= block[i] == 0;
		if (!zero) {
			printf("wiki: the disk holds something that is not a kiln store; not touching it\n");
			return -1;
		}
		printf("wiki: formatting the empty disk (%llu MiB) as a store\n",
		       (unsigned long long)(dev.capacity >> 20));
		if ((err = store_format(&dev)) == 0)
			err = store_open(&store, &dev);
	}
	if (err) {
		printf("wiki: the store on 'disk': %s\n", store_strerror(err));
		return -1;
	}
	if (store.recovered_older)
		printf("wiki: the last commit before a crash was incomplete and is not there\n");
	if ((err = kvgit_open(&wiki_kv, &store, branch))) {
		printf("wiki: branch %s: %s\n", branch, kvgit_strerror(err));
		return -1;
	}
	printf("wiki: store open: %llu objects, generation %llu, heap %zu bytes\n",
	       (unsigned long long)store.objects, (unsigned long long)store.generation,
	       kiln_heap_used());
	return 0;
}

int kiln_main(int argc, char **argv)
{
	const char *branch = args_value(argc, argv, "--branch");
	if (!branch)
		branch = "main";
	if (open_store(branch) < 0)
		return 1;
	if (dhcp_net_up(&net, &dhcp, "service", argc, argv) < 0)
		return 1;
	struct tcp_config tc = {0};
	tc.max_conns = 300;
	struct tcp_stack *tcp = net_tcp_open(&net, &tc);
	if (!tcp)
		return 1;
	int err = 0;
	/* Handlers run kvgit (transactions keep a few KiB on the stack). */
	struct httpd_config hc = {.port = 80, .max_conns = 200, .body_max = 300u << 10,
				  .stack_size = 64u << 10};
	if (!httpd_start(tcp, &server, &hc, &err)) {
		printf("wiki: cannot serve port 80 (error %d)\n", err);
		return 1;
	}
	printf("wiki: serving on port 80\n");
	fiber_run();
	return 0;
}

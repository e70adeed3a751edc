/* tap_running.h: waiting, after attaching to a tap, until the host carries
 * frames on it (Linux Documentation/networking/operstates.rst).
 *
 * Why: attaching a process to a tap turns its carrier on, but Linux starts
 * sending on the device only when its link watcher (a kernel worker, under
 * the RTNL lock) has run: it sets the operational state to up and swaps the
 * device's "noop" queueing discipline, which drops every frame, for the real
 * one. Until then everything the host sends on the tap is dropped
 * (kfree_skb reason QDISC_DROP): a freshly started appliance's first ARP
 * request went unanswered and its first query waited a whole second for the
 * ARP retry (tests/dns/first_query.sh; docs/hostnet.md "A fresh tap").
 * The window is short, but an appliance's first frame falls in it: in the
 * loop of hostnet/tests/tap_running_test.c, 12-15 of 20 first ARP requests
 * sent right after the attach went unanswered without the wait, none with it.
 */
#ifndef KILN_HOSTNET_TAP_RUNNING_H
#define KILN_HOSTNET_TAP_RUNNING_H

#include <stdint.h>

/* How long tap_wait_running() waits at most. Measured here over 100
 * attaches: median 0.035 ms, at most 0.07 ms; at most 0.24 ms with
 * namespaces of 20 veth pairs made and deleted alongside (the link watcher
 * needs the RTNL lock they hold). The bound is for a host far busier than
 * that; past it the appliance goes on, and ARP's retry covers the rest. */
#define TAP_RUNNING_WAIT_NS (2ull * 1000000000)
/* Time between two looks at the device's state: a look is one ioctl. */
#define TAP_RUNNING_POLL_NS 200000

/* Wait until the host sends on the tap ifname, which this process has just
 * attached to: its flags show IFF_RUNNING and the link watcher that set them
 * has finished (one RTNL-serialised call after seeing them). Returns 0 when
 * it does; 1 at once if the tap is administratively down (ip link set NAME
 * up was not run: the host sends nothing on it, so there is nothing to wait
 * for); -ETIMEDOUT after timeout_ns; -errno if the device cannot be asked
 * (-ENODEV: no such device). */
int tap_wait_running(const char *ifname, uint64_t timeout_ns);

#endif

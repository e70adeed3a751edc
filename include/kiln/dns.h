/* dns.h: the DNS wire format: names, headers, questions, resource records,
 * EDNS(0) (RFC 1035, RFC 3596, RFC 3597, RFC 6891).
 *
 * This header is the manual of the wire-format half of lib/dns. The zone data
 * is in dns_zone.h, the authoritative server in dns_server.h, the stub
 * resolver's pure parts in dns_stub.h.
 *
 * Decoding reads every byte through view.h's checked accessors; a malformed
 * message is a specific enum dns_err, never a read out of range. Nothing here
 * allocates; every structure is a plain value the caller owns.
 *
 * Names
 *   A struct dns_name holds a name in uncompressed wire form (length-prefixed
 *   labels ending with the root's zero byte), case preserved as received or
 *   written. Comparisons are ASCII case-insensitive (RFC 4343). A name is
 *   always absolute; the root is the single byte 0.
 */
#ifndef KILN_DNS_H
#define KILN_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kiln/view.h>

/* --- Limits (each with its reason) --------------------------------------- */

/* RFC 1035 2.3.4: a name is at most 255 octets in wire form, counting the
 * length octets and the root's terminating zero; a label at most 63. */
#define DNS_NAME_MAX 255
#define DNS_LABEL_MAX 63
/* The most labels a 255-octet name can have: 127 one-octet labels + root. */
#define DNS_LABELS_MAX 127
/* Compression pointers followed while decoding one name. A well-formed
 * message needs at most one per label; pointers must also point strictly
 * backwards (which alone rules out loops), so this only bounds the work a
 * chain of pointer-to-pointer hops can cause. */
#define DNS_POINTER_HOPS_MAX DNS_LABELS_MAX
/* Name offsets the encoder remembers for compression. Offsets past 0x3fff
 * cannot be pointed at (14-bit pointers); 64 suffixes cover every answer the
 * server builds (a question, a few RRsets, their targets) while keeping the
 * search per name short. */
#define DNS_COMPRESS_MAX 64
/* RFC 1035 4.2.1: the UDP payload every client accepts without EDNS. */
#define DNS_UDP_MIN 512
/* A message is at most 65535 octets (the TCP length prefix is 16 bits). */
#define DNS_MSG_MAX 65535
/* Presentation of a name: each octet may need 4 chars (\DDD), plus dots. */
#define DNS_NAME_TEXT_MAX (DNS_NAME_MAX * 4 + 1)

/* --- Constants ----------------------------------------------------------- */

enum {
	DNS_TYPE_A = 1, DNS_TYPE_NS = 2, DNS_TYPE_CNAME = 5, DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12, DNS_TYPE_HINFO = 13, DNS_TYPE_MX = 15, DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28, DNS_TYPE_SRV = 33, DNS_TYPE_OPT = 41, DNS_TYPE_DS = 43,
	DNS_TYPE_RRSIG = 46, DNS_TYPE_NSEC = 47, DNS_TYPE_DNSKEY = 48, DNS_TYPE_TSIG = 250,
	DNS_TYPE_IXFR = 251, DNS_TYPE_AXFR = 252, DNS_TYPE_MAILB = 253,
	DNS_TYPE_MAILA = 254, DNS_TYPE_ANY = 255, DNS_TYPE_CAA = 257,
};
enum { DNS_CLASS_IN = 1, DNS_CLASS_CH = 3, DNS_CLASS_NONE = 254, DNS_CLASS_ANY = 255 };
enum { DNS_OPCODE_QUERY = 0, DNS_OPCODE_NOTIFY = 4 };
enum {
	DNS_RCODE_NOERROR = 0, DNS_RCODE_FORMERR = 1, DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3, DNS_RCODE_NOTIMP = 4, DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9,
	DNS_RCODE_BADVERS = 16, /* extended: needs OPT (RFC 6891 6.1.3) */
};
/* TSIG's own error field (RFC 8945 5.3): the same number space as RCODEs. */
enum { DNS_TSIG_BADSIG = 16, DNS_TSIG_BADKEY = 17, DNS_TSIG_BADTIME = 18 };

/* Header flag bits (the 16-bit word after the ID). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_Z 0x0040
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags) ((flags) & 0xf)
#define DNS_HEADER_LEN 12

/* --- Errors -------------------------------------------------------------- */

enum dns_err {
	DNS_OK = 0,
	DNS_E_SHORT,          /* the message ends inside a field */
	DNS_E_LABEL_LEN,      /* a label longer than 63 octets */
	DNS_E_NAME_LEN,       /* a name longer than 255 octets */
	DNS_E_LABEL_TYPE,     /* a label type 0x40/0x80 (extended/reserved) */
	DNS_E_POINTER,        /* a compression pointer not strictly backwards */
	DNS_E_POINTER_HOPS,   /* more than DNS_POINTER_HOPS_MAX pointers */
	DNS_E_COUNTS,         /* section counts promise more records than exist */
	DNS_E_TRAILING,       /* bytes after the last record */
	DNS_E_RDATA,          /* RDATA malformed for its type */
	DNS_E_OPT,            /* OPT misplaced, repeated, not owned by root, or
			       * an option running past its RDATA */
	DNS_E_TSIG,           /* TSIG not last in the additional section, not
			       * class ANY, or with malformed RDATA */
	DNS_E_NOSPACE,        /* encoding: the output buffer is full */
	DNS_E_SYNTAX,         /* text: not a valid name / value */
};

/* A short lower-case phrase for e ("compression pointer loop or forward"). */
const char *dns_strerror(enum dns_err e);

/* --- Names (name.c) ------------------------------------------------------- */

struct dns_name {
	uint8_t len;                 /* octets used in wire, 1..255 */
	uint8_t wire[DNS_NAME_MAX];
};

/* The root name ("."). */
void dns_name_root(struct dns_name *n);

/* Parse presentation text (RFC 1035 5.1: \X and \DDD escapes) of len chars.
 * A name ending in an unescaped '.' is absolute; otherwise origin is appended
 * (origin NULL: the name is taken as absolute). "@" is NOT special here (the
 * zone parser handles it). DNS_E_SYNTAX for an empty label or bad escape,
 * DNS_E_LABEL_LEN / DNS_E_NAME_LEN for the limits. */
enum dns_err dns_name_from_text(const char *s, size_t len, const struct dns_name *origin,
				struct dns_name *out);
/* The same for a C string, absolute whether or not it ends in '.'. */
enum dns_err dns_name_parse(const char *s, struct dns_name *out);

/* Write n as text with a trailing dot, escaping '.', '\\', '"', '(', ')',
 * ';', '@', '$' and non-printable octets. Returns the text's length; writes
 * at most cap bytes including the NUL (truncated if short:
 * DNS_NAME_TEXT_MAX always suffices). */
size_t dns_name_to_text(const struct dns_name *n, char *buf, size_t cap);

/* Number of labels, not counting the root ("a.b." has 2). */
unsigned dns_name_labels(const struct dns_name *n);
/* Case-insensitive equality. */
bool dns_name_equal(const struct dns_name *a, const struct dns_name *b);
/* Canonical DNS order (RFC 4034 6.1): <0, 0, >0. */
int dns_name_compare(const struct dns_name *a, const struct dns_name *b);
/* True if n equals parent or lies below it. */
bool dns_name_is_below(const struct dns_name *n, const struct dns_name *parent);
/* The name with its first `strip` labels removed (strip <= labels). */
void dns_name_parent(const struct dns_name *n, unsigned strip, struct dns_name *out);
/* Fold n to lower case in place (for hashing or cache keys). */
void dns_name_lower(struct dns_name *n);

/* --- Wire decoding (name_wire.c, msg.c) ---------------------------------- */

/* Decode the possibly compressed name at msg[off]. *end is set to the offset
 * just after the name's bytes at off (after its first pointer, if any). */
enum dns_err dns_name_decode(struct view msg, size_t off, struct dns_name *out, size_t *end);

struct dns_header {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

struct dns_question {
	struct dns_name name;
	uint16_t type, qclass;
};

/* One resource record as found in a message. rdata is a view into the
 * message; it may contain compression pointers (for NS, CNAME, PTR, MX, SOA,
 * SRV): use dns_rdata_expand() or the typed accessors below, which take the
 * whole message. */
struct dns_rr {
	struct dns_name owner;
	uint16_t type, rclass;
	uint32_t ttl;
	struct view rdata;
	size_t rdata_off; /* offset of rdata within the message */
};

/* EDNS(0) as read from an OPT record (RFC 6891 6.1). */
struct dns_edns {
	bool present;
	uint16_t udp_size;  /* the requestor's payload size, as sent */
	uint8_t ext_rcode;  /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool dnssec_ok;     /* the DO bit */
	struct view options; /* the option TLVs, unparsed */
};

enum dns_err dns_header_decode(struct view msg, struct dns_header *h);
/* Decode the question at *pos and advance *pos past it. */
enum dns_err dns_question_decode(struct view msg, size_t *pos, struct dns_question *q);
/* Decode the record at *pos, validate its RDATA for known types (the lengths
 * and names of A, AAAA, NS, CNAME, PTR, MX, SOA, SRV, TXT, CAA, OPT), and
 * advance *pos past it. */
enum dns_err dns_rr_decode(struct view msg, size_t *pos, struct dns_rr *rr);

/* The fields of a TSIG record (RFC 8945 4.2) a server echoes in an error
 * answer; the MAC and other data are checked for length only. */
struct dns_tsig {
	bool present;
	struct dns_name key, alg; /* owner (the key's name), algorithm */
	uint8_t time_signed[6];   /* 48-bit seconds, as sent */
	uint16_t fudge, orig_id, error;
};

/* A whole message, checked: header, every question and record, the OPT
 * record (at most one, in the additional section, owned by the root, its
 * options each within its RDATA) and the TSIG record (at most one, the last
 * of the additional section, class ANY: RFC 8945 5.2). Offsets let a
 * caller walk each section again with dns_rr_decode. */
struct dns_msg {
	struct dns_header hdr;
	struct dns_question question; /* the first question (if qdcount > 0) */
	struct dns_edns edns;
	struct dns_tsig tsig;
	size_t an_off, ns_off, ar_off, end;
};
/* Trailing bytes after the last record are DNS_E_TRAILING. */
enum dns_err dns_msg_parse(struct view msg, struct dns_msg *m);

/* --- RDATA (rdata.c) ------------------------------------------------------ */

/* The name inside NS, CNAME, PTR (and DNAME) RDATA. */
enum dns_err dns_rdata_name(struct view msg, const struct dns_rr *rr, struct dns_name *out);
enum dns_err dns_rdata_mx(struct view msg, const struct dns_rr *rr, uint16_t *pref,
			  struct dns_name *exchange);
struct dns_soa {
	struct dns_name mname, rname;
	uint32_t serial, refresh, retry, expire, minimum;
};
enum dns_err dns_rdata_soa(struct view msg, const struct dns_rr *rr, struct dns_soa *soa);
/* Expand rr's RDATA into its uncompressed form (what a zone holds and what
 * RFC 3597's \# syntax shows) in out[0..cap); *len its length. */
enum dns_err dns_rdata_expand(struct view msg, const struct dns_rr *rr, uint8_t *out,
			      size_t cap, size_t *len);
/* Check uncompressed RDATA for a type (used by the zone parser for \#
 * data of known types, and by the decoder). */
enum dns_err dns_rdata_check(uint16_t type, struct view rdata);

/* Presentation of uncompressed RDATA (RFC 1035 5.1 and each type's RFC;
 * unknown types as RFC 3597 "\# len hex"). Returns the length; truncated to
 * cap-1 chars. */
size_t dns_rdata_to_text(uint16_t type, struct view rdata, char *buf, size_t cap);
/* "A", "AAAA", ... or "TYPE123" (RFC 3597 5). */
const char *dns_type_name(uint16_t type, char buf[12]);
/* Inverse of dns_type_name (case-insensitive); 0 if unknown. */
uint16_t dns_type_from_name(const char *s, size_t len);

/* --- Encoding (encode.c) -------------------------------------------------- */

/* An encoder builds a message into a fixed buffer, compressing names against
 * those it has already written (exact-case match only, so every name keeps
 * the case it was given). Errors are sticky: after DNS_E_NOSPACE the caller
 * may roll back to a mark and carry on (that is how truncation works). */
struct dns_encoder {
	uint8_t *buf;
	size_t cap, len;
	bool failed;
	unsigned ncomp;
	uint16_t comp[DNS_COMPRESS_MAX]; /* offsets of names written */
};
struct dns_mark {
	size_t len;
	unsigned ncomp;
};

void dns_enc_init(struct dns_encoder *e, uint8_t *buf, size_t cap);
static inline bool dns_enc_ok(const struct dns_encoder *e) { return !e->failed; }
static inline struct dns_mark dns_enc_mark(const struct dns_encoder *e)
{
	struct dns_mark m = {e->len, e->ncomp};
	return m;
}
/* Forget everything written since m, and any failure. */
void dns_enc_rollback(struct dns_encoder *e, struct dns_mark m);

/* Write the 12-byte header (normally first, then patched by
 * dns_enc_set_counts / direct flag writes). */
void dns_enc_header(struct dns_encoder *e, const struct dns_header *h);
void dns_enc_set_flags(struct dns_encoder *e, uint16_t flags);
void dns_enc_set_counts(struct dns_encoder *e, uint16_t qd, uint16_t an, uint16_t ns,
			uint16_t ar);
void dns_enc_name(struct dns_encoder *e, const struct dns_name *n, bool compress);
void dns_enc_question(struct dns_encoder *e, const struct dns_name *n, uint16_t type,
		      uint16_t qclass);
/* One record with uncompressed rdata; names inside NS, CNAME, PTR, MX and SOA
 * RDATA are compressed (RFC 3597 4: only RFC 1035's types may be). */
void dns_enc_rr(struct dns_encoder *e, const struct dns_name *owner, uint16_t type,
		uint16_t rclass, uint32_t ttl, struct view rdata);
/* An OPT record (RFC 6891 6.1.2) without options. */
void dns_enc_opt(struct dns_encoder *e, uint16_t udp_size, uint8_t ext_rcode,
		 uint8_t version, bool dnssec_ok);

/* A TSIG record answering an error about the request's key or MAC (RFC 8945
 * 5.3.2): t's key, algorithm, time and fudge, an empty MAC, t's original ID
 * and the error (DNS_TSIG_BADKEY...), no other data. Unsigned. */
void dns_enc_tsig_error(struct dns_encoder *e, const struct dns_tsig *t, uint16_t error);
/* The octets dns_enc_tsig_error writes for t. */
size_t dns_tsig_error_len(const struct dns_tsig *t);

/* --- TCP framing (RFC 1035 4.2.2, RFC 7766) ------------------------------ */

/* Prefix a message with its 2-byte length: writes 2 + msg.len bytes into out
 * (cap), returns that total or 0 if it does not fit or msg is too long. */
size_t dns_tcp_frame(struct view msg, uint8_t *out, size_t cap);
/* Find the first complete message in a TCP byte stream: on true, *msg is it
 * and *consumed is 2 + its length; false if more bytes are needed. */
bool dns_tcp_unframe(struct view stream, struct view *msg, size_t *consumed);

#endif

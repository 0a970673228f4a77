/*
 * CHiredis — the only C in MCPStreams.
 *
 * Thin, prefixed shims over Debian's hiredis 0.14 (its RESP2 reply reader),
 * OpenSSL 3 libcrypto (HMAC-SHA256, SHA-256, constant-time compare), the
 * kernel's getrandom(2) and one hook of the Swift runtime.
 * Every function exists because the underlying C API is awkward or unsafe to
 * call from Swift directly (macros, struct fields,
 * OSSL_PARAM arrays). C types never leave the Swift wrappers in
 * `RedisClient` and `MCPWire`.
 */
#ifndef CHIREDIS_H
#define CHIREDIS_H

#include <hiredis/hiredis.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* ---------------------------------------------------------------- hiredis */

/* What one reply may take once parsed: the bytes of its strings plus
 * CHIREDIS_ELEMENT_COST for each element (a parsed element costs hiredis and
 * Swift about that much whatever its length, so a million empty strings count
 * as the memory they take, not as the 6 MB they are on the wire). The reader's
 * object functions are hiredis's own behind this check; an element past the
 * limit is refused (the reader then fails: see `chiredis_reader_exceeded`). */
typedef struct chiredis_budget {
    redisReplyObjectFunctions fn;              /* the reader's functions: the defaults, budgeted */
    const redisReplyObjectFunctions *defaults; /* hiredis's own */
    size_t used;                               /* taken by the reply being parsed */
    size_t limit;
    int exceeded;                              /* an element was refused */
} chiredis_budget;

enum { CHIREDIS_ELEMENT_COST = 160 };

static inline int chiredis_budget_take(const redisReadTask *task, size_t bytes) {
    chiredis_budget *b = (chiredis_budget *)task->privdata;
    if (b == NULL) return 1;
    if (b->exceeded) return 0;
    size_t cost = bytes > SIZE_MAX - CHIREDIS_ELEMENT_COST ? SIZE_MAX : bytes + CHIREDIS_ELEMENT_COST;
    if (b->used > b->limit || cost > b->limit - b->used) {
        b->exceeded = 1;
        return 0;
    }
    b->used += cost;
    return 1;
}

static inline void *chiredis_budget_string(const redisReadTask *task, char *str, size_t len) {
    if (!chiredis_budget_take(task, len)) return NULL;
    return ((chiredis_budget *)task->privdata)->defaults->createString(task, str, len);
}

/* An array is refused at its header when its elements, at CHIREDIS_ELEMENT_COST each at least,
 * could not fit what is left of the budget: before hiredis allocates its slots or reads one element. */
static inline void *chiredis_budget_array(const redisReadTask *task, int elements) {
    chiredis_budget *b = (chiredis_budget *)task->privdata;
    size_t count = elements > 0 ? (size_t)elements : 0; /* at most INT_MAX: the products below fit */
    if (b != NULL && !b->exceeded && b->used <= b->limit
        && count * (sizeof(void *) + CHIREDIS_ELEMENT_COST) > b->limit - b->used) {
        b->exceeded = 1;
        return NULL;
    }
    if (!chiredis_budget_take(task, count * sizeof(void *))) return NULL;
    return b->defaults->createArray(task, elements);
}

static inline void *chiredis_budget_integer(const redisReadTask *task, long long value) {
    if (!chiredis_budget_take(task, 0)) return NULL;
    return ((chiredis_budget *)task->privdata)->defaults->createInteger(task, value);
}

static inline void *chiredis_budget_nil(const redisReadTask *task) {
    if (!chiredis_budget_take(task, 0)) return NULL;
    return ((chiredis_budget *)task->privdata)->defaults->createNil(task);
}

/* The reply parser, without hiredis's blocking socket I/O: bytes read by a
 * SwiftNIO channel are fed in, replies come out (read.h); one reply may take
 * at most `limit` once parsed (see `chiredis_budget`). NULL only when out of
 * memory. */
static inline redisReader *chiredis_reader_new(size_t limit) {
    redisReader *r = redisReaderCreate();
    if (r == NULL) return NULL;
    chiredis_budget *b = (chiredis_budget *)calloc(1, sizeof(chiredis_budget));
    if (b == NULL) {
        redisReaderFree(r);
        return NULL;
    }
    b->defaults = r->fn;
    b->fn = *r->fn;
    b->fn.createString = chiredis_budget_string;
    b->fn.createArray = chiredis_budget_array;
    b->fn.createInteger = chiredis_budget_integer;
    b->fn.createNil = chiredis_budget_nil;
    b->limit = limit;
    r->fn = &b->fn;
    r->privdata = b;
    return r;
}

/* Whether the bulk string or array the reader waits for has declared more than is left of the
 * budget (a length, or a count of elements at CHIREDIS_ELEMENT_COST each). hiredis 0.14 reads a
 * bulk's `$<length>\r\n` line again at every call and keeps it unread until the whole payload
 * is buffered (it has no `maxbulklen`): without this check a server declaring 2 GB would be
 * buffered up to the wire limit before the budget saw one byte. The number is read from the
 * digits buffered so far (more digits only make it larger), so a header is refused as soon as it
 * is too large, even before its line ends (a complete array header is checked again in
 * `chiredis_budget_array`). A negative number is a nil, which hiredis handles; anything else
 * malformed (a sign, a letter) is left for hiredis, which refuses it once the line ends (a line
 * that never ends is bounded by the wire limit in `RedisReplyHandler`). */
static inline int chiredis_budget_pending_exceeds(const redisReader *r) {
    const chiredis_budget *b = (const chiredis_budget *)r->privdata;
    if (b == NULL || r->ridx < 0 || r->ridx >= (int)(sizeof(r->rstack) / sizeof(r->rstack[0]))) return 0;
    int type = r->rstack[r->ridx].type;
    if ((type != REDIS_REPLY_STRING && type != REDIS_REPLY_ARRAY) || r->buf == NULL || r->pos >= r->len) return 0;
    size_t left = b->used <= b->limit ? b->limit - b->used : 0;
    size_t unit = type == REDIS_REPLY_STRING ? 1 : CHIREDIS_ELEMENT_COST; /* what one declared unit costs at least */
    size_t declared = 0;
    for (size_t i = r->pos; i < r->len; i++) {
        char c = r->buf[i];
        if (c < '0' || c > '9') break;
        size_t digit = (size_t)(c - '0');
        if (declared > (SIZE_MAX / unit - digit) / 10) return 1;
        declared = declared * 10 + digit;
        if (declared * unit > left || CHIREDIS_ELEMENT_COST > left - declared * unit) return 1;
    }
    return 0;
}

/* Starts the budget of the next reply (call it after each complete reply). */
static inline void chiredis_reader_next_budget(redisReader *r) {
    ((chiredis_budget *)r->privdata)->used = 0;
}

/* Whether the reader failed because a reply went past its budget. */
static inline int chiredis_reader_exceeded(const redisReader *r) {
    return ((const chiredis_budget *)r->privdata)->exceeded;
}

/* Frees a reader made by `chiredis_reader_new` (and any partial reply). */
static inline void chiredis_reader_free(redisReader *r) {
    chiredis_budget *b = (chiredis_budget *)r->privdata;
    redisReaderFree(r);
    free(b);
}

/* Appends bytes to the reader's buffer. Returns 0 on success, -1 when the
 * reader already failed or is out of memory (see `chiredis_reader_errstr`). */
static inline int chiredis_reader_feed(redisReader *r, const uint8_t *buf, size_t len) {
    if (len == 0) return 0;
    return redisReaderFeed(r, (const char *)buf, len) == REDIS_OK ? 0 : -1;
}

/* Takes the next complete reply: 1 with `*out` set (free it with
 * `chiredis_free_reply`), 0 when more bytes are needed, -1 on a protocol
 * error or a reply past its budget, its declared length included (the reader is then dead
 * for good). */
static inline int chiredis_reader_next(redisReader *r, redisReply **out) {
    chiredis_budget *b = (chiredis_budget *)r->privdata;
    if (b != NULL && b->exceeded) return -1;
    void *reply = NULL;
    if (redisReaderGetReply(r, &reply) != REDIS_OK) return -1;
    if (reply == NULL && chiredis_budget_pending_exceeds(r)) {
        b->exceeded = 1;
        return -1;
    }
    *out = (redisReply *)reply;
    return reply == NULL ? 0 : 1;
}

/* How many bytes the reader holds that no reply has taken yet (a partial reply's). */
static inline size_t chiredis_reader_unparsed(const redisReader *r) {
    return r->len > r->pos ? r->len - r->pos : 0;
}

/* The reader's error text, valid while the reader lives. */
static inline const char *chiredis_reader_errstr(const redisReader *r) {
    return r->errstr;
}

/* Frees a reply returned by `chiredis_reader_next` (and all its children). */
static inline void chiredis_free_reply(redisReply *r) {
    if (r != NULL) freeReplyObject(r);
}

/* Reply accessors: keep field layout knowledge in C. */
static inline int chiredis_reply_type(const redisReply *r) { return r->type; }
static inline long long chiredis_reply_integer(const redisReply *r) { return r->integer; }
static inline size_t chiredis_reply_len(const redisReply *r) { return r->len; }
static inline const char *chiredis_reply_str(const redisReply *r) { return r->str; }
static inline size_t chiredis_reply_elements(const redisReply *r) { return r->elements; }
static inline const redisReply *chiredis_reply_element(const redisReply *r, size_t i) { return r->element[i]; }

/* Reply type constants, re-exported because hiredis defines them as macros. */
static const int CHIREDIS_REPLY_STRING = REDIS_REPLY_STRING;
static const int CHIREDIS_REPLY_ARRAY = REDIS_REPLY_ARRAY;
static const int CHIREDIS_REPLY_INTEGER = REDIS_REPLY_INTEGER;
static const int CHIREDIS_REPLY_NIL = REDIS_REPLY_NIL;
static const int CHIREDIS_REPLY_STATUS = REDIS_REPLY_STATUS;
static const int CHIREDIS_REPLY_ERROR = REDIS_REPLY_ERROR;

/* ------------------------------------------------------------------ crypto */

/* A pre-keyed HMAC-SHA256 context. OpenSSL 3's one-shot HMAC() re-fetches the
 * algorithm on every call (about half the speed); keying once and duplicating
 * per message avoids that. Returns NULL on failure. */
static inline EVP_MAC_CTX *chiredis_hmac_sha256_new(const uint8_t *key, size_t key_len) {
    static const uint8_t empty = 0;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key_len == 0 ? &empty : key, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Frees a context made by `chiredis_hmac_sha256_new`. */
static inline void chiredis_hmac_sha256_free(EVP_MAC_CTX *ctx) {
    EVP_MAC_CTX_free(ctx);
}

/* MACs one message with a pre-keyed context, writing 32 bytes to `out`.
 * The keyed context is duplicated so it can be shared by threads. Returns 0 on success. */
static inline int chiredis_hmac_sha256_sign(const EVP_MAC_CTX *keyed, const uint8_t *data, size_t len, uint8_t *out) {
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(keyed);
    if (ctx == NULL) return -1;
    size_t out_len = 0;
    int ok = EVP_MAC_update(ctx, data, len) == 1 && EVP_MAC_final(ctx, out, &out_len, 32) == 1 && out_len == 32;
    EVP_MAC_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* SHA-256 of a buffer, 32 bytes to `out`. Returns 0 on success. */
static inline int chiredis_sha256(const uint8_t *data, size_t len, uint8_t *out) {
    unsigned int out_len = 0;
    return EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL) == 1 && out_len == 32 ? 0 : -1;
}

/* SHA-1 of a buffer, 20 bytes to `out`. Only for naming Lua scripts: Redis
 * identifies a script by the SHA-1 of its source (EVALSHA), so the client can
 * send EVALSHA first without a SCRIPT LOAD round trip. Returns 0 on success. */
static inline int chiredis_sha1(const uint8_t *data, size_t len, uint8_t *out) {
    unsigned int out_len = 0;
    return EVP_Digest(data, len, out, &out_len, EVP_sha1(), NULL) == 1 && out_len == 20 ? 0 : -1;
}

/* Constant-time equality of two equal-length buffers (1 if equal). Signature
 * checks must not leak how many leading bytes matched. */
static inline int chiredis_constant_time_equal(const uint8_t *a, const uint8_t *b, size_t len) {
    return CRYPTO_memcmp(a, b, len) == 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ kernel */

/* Fills `out` with `len` bytes from the kernel's CSPRNG (getrandom(2), which
 * Swift cannot call: glibc declares it in a header the Glibc module leaves
 * out). Loops over short reads and EINTR, at most 16 calls; 0 on success,
 * -1 otherwise. */
static inline int chiredis_getrandom(uint8_t *out, size_t len) {
    size_t filled = 0;
    for (int calls = 0; filled < len && calls < 16; calls++) {
        ssize_t got = getrandom(out + filled, len - filled, 0);
        if (got > 0) filled += (size_t)got;
        else if (got < 0 && errno != EINTR) return -1;
    }
    return filled == len ? 0 : -1;
}

/* ----------------------------------------------------------- swift runtime */

/* Swift's global-executor hook (the Concurrency runtime's, not ours). SwiftNIO
 * finds it with dlsym, which fails when the runtime is linked statically
 * (`--static-swift-stdlib`, as deployed): the linked binary does not export it.
 * Referenced here, the static linker resolves it. See EventLoopExecutor.swift. */
extern void *swift_task_enqueueGlobal_hook;

/* The address of that hook. */
static inline void **chiredis_global_enqueue_hook(void) {
    return &swift_task_enqueueGlobal_hook;
}

#endif /* CHIREDIS_H */

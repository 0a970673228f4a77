/*
 * CHiredis — the only C in MCPStreams.
 *
 * Thin, prefixed shims over Debian's hiredis 0.14 (blocking client, RESP2)
 * and OpenSSL 3 libcrypto (HMAC-SHA256, SHA-256, constant-time compare).
 * Every function exists because the underlying C API is awkward or unsafe to
 * call from Swift directly (variadic functions, `struct timeval`, macros,
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
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

/* ---------------------------------------------------------------- hiredis */

/* Converts milliseconds to the `struct timeval` hiredis wants; Swift on Linux
 * spells timeval fields differently per libc, so we keep it in C. */
static inline struct timeval chiredis_timeval_ms(long ms) {
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

/* Connects over TCP with a connect timeout in ms. Never returns NULL unless
 * out of memory; check `chiredis_context_error`. */
static inline redisContext *chiredis_connect_tcp(const char *host, int port, long timeout_ms) {
    return redisConnectWithTimeout(host, port, chiredis_timeval_ms(timeout_ms));
}

/* Connects over a unix domain socket with a connect timeout in ms. */
static inline redisContext *chiredis_connect_unix(const char *path, long timeout_ms) {
    return redisConnectUnixWithTimeout(path, chiredis_timeval_ms(timeout_ms));
}

/* Sets the socket read/write timeout in ms (0 = block forever). Returns 0 on
 * success. Must exceed any `BLOCK` sent on the connection. */
static inline int chiredis_set_timeout_ms(redisContext *c, long timeout_ms) {
    return redisSetTimeout(c, chiredis_timeval_ms(timeout_ms)) == REDIS_OK ? 0 : -1;
}

/* The context's sticky error code (REDIS_ERR_IO, REDIS_ERR_EOF, ...), 0 if none.
 * Once non-zero the context is dead and must be freed. */
static inline int chiredis_context_error(const redisContext *c) {
    return c == NULL ? REDIS_ERR_OOM : c->err;
}

/* The context's error text, valid while the context lives. */
static inline const char *chiredis_context_errstr(const redisContext *c) {
    return c == NULL ? "out of memory" : c->errstr;
}

/* The errno captured with an I/O error (hiredis stores it only in errno). */
static inline int chiredis_errno(void) {
    return errno;
}

/* Blocks SIGPIPE on the calling thread. hiredis 0.14 writes with write(2),
 * not send(MSG_NOSIGNAL), so a write to a server that went away would kill the
 * whole process; with SIGPIPE blocked the write fails with EPIPE instead and
 * the client reconnects. Called once by each Redis I/O thread. */
static inline void chiredis_block_sigpipe_on_this_thread(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Queues one command (binary-safe argv) in the output buffer without I/O.
 * The variadic `redisCommand` cannot be called from Swift. Returns 0 on success. */
static inline int chiredis_append_argv(redisContext *c, int argc, const char **argv, const size_t *argvlen) {
    return redisAppendCommandArgv(c, argc, argv, argvlen) == REDIS_OK ? 0 : -1;
}

/* Flushes pending output and reads one reply, blocking up to the socket
 * timeout. Returns NULL on an I/O or protocol error (see the context error). */
static inline redisReply *chiredis_get_reply(redisContext *c) {
    void *reply = NULL;
    if (redisGetReply(c, &reply) != REDIS_OK) {
        return NULL;
    }
    return (redisReply *)reply;
}

/* Frees a reply returned by `chiredis_get_reply` (and all its children). */
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

/* Context error constants (macros in hiredis). */
static const int CHIREDIS_ERR_IO = REDIS_ERR_IO;
static const int CHIREDIS_ERR_EOF = REDIS_ERR_EOF;
static const int CHIREDIS_ERR_PROTOCOL = REDIS_ERR_PROTOCOL;
static const int CHIREDIS_ERR_OOM = REDIS_ERR_OOM;
static const int CHIREDIS_ERR_OTHER = REDIS_ERR_OTHER;

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

#endif /* CHIREDIS_H */

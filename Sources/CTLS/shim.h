#ifndef LOCKBENCH_CTLS_SHIM_H
#define LOCKBENCH_CTLS_SHIM_H
// System OpenSSL 3 (libssl-dev). Swift imports no function-like macros, and several of the calls a
// TLS client needs are macros over SSL_ctrl/BIO_ctrl: these static inlines give them a name Swift sees.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

/// SNI: the name the client asks for (SSL_set_tlsext_host_name is a macro over SSL_ctrl).
static inline int lockbench_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// SSL_CTX_set_mode is a macro over SSL_CTX_ctrl.
static inline long lockbench_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

/// SSL_CTX_set_min_proto_version is a macro over SSL_CTX_ctrl.
static inline int lockbench_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// Bytes of ciphertext a memory BIO holds (BIO_ctrl_pending is a function; BIO_pending a macro).
static inline size_t lockbench_BIO_pending(BIO *bio) {
    return BIO_ctrl_pending(bio);
}

/// A memory BIO that reports "retry" (not EOF) when empty, so SSL_read says WANT_READ rather than
/// treating a drained buffer as the peer closing (BIO_set_mem_eof_return is a macro).
static inline BIO *lockbench_BIO_new_mem_retrying(void) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio != NULL) BIO_set_mem_eof_return(bio, -1);
    return bio;
}

/// The first error on this thread's OpenSSL error queue, as text, and clears the queue: errors
/// are per thread, and a stale one would be blamed on the next connection the thread serves.
static inline void lockbench_ERR_drain(char *buffer, size_t length) {
    unsigned long first = ERR_get_error();
    if (length > 0) buffer[0] = 0;
    if (first != 0 && length > 0) ERR_error_string_n(first, buffer, length);
    ERR_clear_error();
}

#endif

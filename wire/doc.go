// Package wire implements the request protection the API's clients use:
// secp256k1 key pairs, an ECDH shared key (the raw x coordinate, no KDF), and
// AES-256-GCM with a 16-byte nonce, encoded as base64(nonce||ciphertext||tag).
//
// The scheme is fixed by the deployed client libraries, so its odd parts (the
// 16-byte nonce, no KDF, lenient key encodings) are kept on purpose: changing
// any of them would break interoperability.
package wire

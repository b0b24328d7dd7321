// The wire protocol of the API (spec WIRE.md), as a browser speaks it: an
// ephemeral secp256k1 key pair, the ECDH x-coordinate as the AES-256-GCM
// key (no KDF), a 16-byte nonce, and base64(nonce || ciphertext || tag).
import { getPublicKey, getSharedSecret, utils } from '../vendor/noble-secp256k1.js';

/** Standard base64 of bytes. */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Bytes of base64 text, standard or URL alphabet, padding optional. */
export function fromBase64(text) {
  let s = String(text).trim().replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4) s += '=';
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex) {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A fresh random UUID (version 4). */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * KeyPair is the browser's ephemeral key. Its public half is what the
 * server binds the session to at start.
 */
export class KeyPair {
  constructor(secretKey) {
    this.secretKey = secretKey;
    // The wire's form: the 64 bytes X || Y, without the 0x04 prefix.
    this.publicKey = toBase64(getPublicKey(secretKey, false).subarray(1));
  }

  static generate() {
    return new KeyPair(utils.randomSecretKey());
  }

  /** The secret key as hex, for keeping within this browser tab. */
  toHex() {
    return toHex(this.secretKey);
  }

  /** A key pair from toHex's output, or null. */
  static fromHex(hex) {
    const sk = fromHex(String(hex || ''));
    if (!sk) return null;
    try {
      return new KeyPair(sk);
    } catch {
      return null;
    }
  }

  /**
   * The AES-GCM key shared with the holder of peerPublicKey (base64 of
   * X || Y; a 65-byte 04-prefixed point is accepted too).
   */
  async sharedKey(peerPublicKey) {
    let point = fromBase64(peerPublicKey);
    if (point.length === 64) {
      const full = new Uint8Array(65);
      full[0] = 4;
      full.set(point, 1);
      point = full;
    }
    // The compressed form is 0x02/0x03 || X: X is the shared secret.
    const x = getSharedSecret(this.secretKey, point, true).subarray(1, 33);
    return crypto.subtle.importKey('raw', x, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  }
}

const NONCE = 16;

/** seal encrypts text: base64(nonce || ciphertext || tag). */
export async function seal(key, text) {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE));
  const ct = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, tagLength: 128 }, key, new TextEncoder().encode(text)));
  const out = new Uint8Array(NONCE + ct.length);
  out.set(nonce);
  out.set(ct, NONCE);
  return toBase64(out);
}

/** open decrypts what seal produced. */
export async function open(key, sealed) {
  const b = fromBase64(sealed);
  const pt = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: b.subarray(0, NONCE), tagLength: 128 }, key, b.subarray(NONCE));
  return new TextDecoder().decode(pt);
}

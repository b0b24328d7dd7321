// Creates a proofing session on an idproof server and reads its result,
// speaking the wire protocol by hand with node:crypto and fetch (Node 18 or
// later, no packages): a secp256k1 key pair, an ECDH shared key with the
// server, the publickey, requestid and licensekey headers, and bodies and
// replies sealed with AES-256-GCM. docs/authentication.md explains each step.
//
//   IDPROOF_URL=http://127.0.0.1:8080 IDPROOF_LICENSE=<service license> IDPROOF_DVC=<dvcID> node docs/examples/js-client/client.mjs
//
// Environment:
//   IDPROOF_URL        server base URL (default http://127.0.0.1:8080)
//   IDPROOF_LICENSE    a service (or system) license key (required)
//   IDPROOF_DVC        the verification configuration of the new session
//   IDPROOF_TENANT     tenant DNS name (default localhost, the bootstrap tenant)
//   IDPROOF_COMMUNITY  community name (default "default")
//   IDPROOF_UID        the user's uid (default alice; the sandbox reads it)
//   IDPROOF_SESSION    read this session's result instead of creating one
//
// It prints one JSON object: the session id and URL, the result, and, for a
// completed session, its proof_jwt checked against the server's JWKS.

import crypto from "node:crypto";

const env = (name, def) => process.env[name] || def;
const base = env("IDPROOF_URL", "http://127.0.0.1:8080").replace(/\/+$/, "");

// send makes one HTTP request and returns its JSON reply. A reply outside
// 2xx is in the API's error format {statusCode, error, message}.
async function send(method, path, headers = {}, body) {
  const resp = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(30000),
  });
  const text = await resp.text();
  if (!resp.ok) {
    let message = text.trim();
    try {
      message = JSON.parse(text).message || message;
    } catch {}
    throw new Error(`${method} ${path}: ${resp.status} ${message}`);
  }
  return JSON.parse(text);
}

// connect makes a key pair, fetches the server's public key and derives the
// key both sides share: the x coordinate of ECDH, used as the AES-256 key as
// it is (no KDF).
async function connect(license) {
  if (!license) throw new Error("IDPROOF_LICENSE is required (a service license key)");
  const ecdh = crypto.createECDH("secp256k1");
  ecdh.generateKeys();
  // The public key travels as base64 of X||Y: the uncompressed point
  // without its leading 0x04.
  const publicKey = ecdh.getPublicKey().subarray(1).toString("base64");

  const { publicKey: serverKey } = await send("GET", "/publickeys");
  const xy = Buffer.from(serverKey, "base64");
  if (xy.length !== 64) throw new Error(`server public key ${serverKey} is not base64 of 64 bytes`);
  const shared = ecdh.computeSecret(Buffer.concat([Buffer.from([4]), xy])); // 32 bytes
  return { publicKey, license, shared };
}

// seal encrypts text as base64(nonce(16) || ciphertext || tag(16)). The
// clients of this API use a 16-byte GCM nonce, not the usual 12.
function seal(c, text) {
  const nonce = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv("aes-256-gcm", c.shared, nonce);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
}

// open reverses seal.
function open(c, sealed) {
  const b = Buffer.from(sealed, "base64");
  if (b.length < 32) throw new Error("sealed data is too short");
  const decipher = crypto.createDecipheriv("aes-256-gcm", c.shared, b.subarray(0, 16));
  decipher.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([decipher.update(b.subarray(16, b.length - 16)), decipher.final()]).toString("utf8");
}

// call sends body sealed in the {"data": ...} envelope with fresh
// credentials, and opens a sealed reply.
async function call(c, method, path, body) {
  // A requestid is used once: a new uuid and the current time on every
  // request. The server accepts ts within 60 s of its clock.
  const requestid = JSON.stringify({
    ts: Math.floor(Date.now() / 1000),
    appid: "idproof-js-example",
    uuid: crypto.randomUUID(),
  });
  const headers = {
    publickey: c.publicKey,
    requestid: seal(c, requestid),
    licensekey: seal(c, c.license),
  };
  const reply = await send(method, path, headers, JSON.stringify({ data: seal(c, JSON.stringify(body)) }));
  // Endpoints whose clients expect it answer {"data": "<sealed>",
  // "publicKey": "<server key>"}; others answer in plain JSON.
  if (typeof reply.data === "string" && reply.publicKey) return JSON.parse(open(c, reply.data));
  return reply;
}

// verifyProof checks proof_jwt, an ES256 compact JWS, against the key of
// the server's JWK Set its kid names, and returns its claims.
async function verifyProof(jwt) {
  const [h, p, s] = jwt.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url"));
  if (header.alg !== "ES256") throw new Error(`alg ${header.alg}, want ES256`);
  const { keys } = await send("GET", "/.well-known/jwks.json");
  const jwk = keys.find((k) => k.kid === header.kid && k.kty === "EC" && k.crv === "P-256");
  if (!jwk) throw new Error(`no P-256 key ${header.kid} in the JWK Set`);
  const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
  // A JWS signature is r||s, 32 bytes each ("ieee-p1363"), not DER.
  const ok = crypto.verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  if (!ok) throw new Error("signature does not verify");
  return JSON.parse(Buffer.from(p, "base64url"));
}

async function main() {
  const c = await connect(process.env.IDPROOF_LICENSE);
  let sessionId = process.env.IDPROOF_SESSION;
  let url;
  if (!sessionId) {
    const dvcID = process.env.IDPROOF_DVC;
    if (!dvcID) throw new Error("IDPROOF_DVC is required to create a session");
    const created = await call(c, "POST", "/document_share_session/create", {
      dvcID,
      sessionRequest: {
        tenantDNS: env("IDPROOF_TENANT", "localhost"),
        communityName: env("IDPROOF_COMMUNITY", "default"),
        documentType: "dl_object",
        user: { uid: env("IDPROOF_UID", "alice"), firstname: "Alice", lastname: "Smith" },
      },
    });
    sessionId = created.sessionId;
    url = created.url; // send the user here
  }
  const result = await call(c, "POST", "/v3/document_share_session/result", { sessionId });
  const out = { sessionId, url, result };
  const jwt = out.result.document?.proof_jwt;
  if (jwt) out.proof = { verified: true, claims: await verifyProof(jwt) };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err) => {
  console.error("js-client:", err.message);
  process.exitCode = 1;
});

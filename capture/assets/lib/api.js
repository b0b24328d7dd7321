// The API client of the capture page. It holds nothing another client
// could not have: an ephemeral key pair, a fresh requestid for every call,
// and the session id it was given in the page.
import { KeyPair, seal, uuid } from './wire.js';

const APP_ID = 'idproof-capture-web';

/** ApiError is an error answer of the API ({statusCode, error, message}). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body || {};
  }
}

/** NetworkError is a call that got no answer at all. */
export class NetworkError extends Error {
  constructor(cause) {
    super('network error');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The key is kept in this tab's sessionStorage (never localStorage, never
// a cookie) so that reloading the page resumes a session bound to it. It
// is random, identifies no one, and is dropped when the session ends.
function storageKey(sessionId) {
  return `idproof.capture.key.${sessionId}`;
}

function loadKey(sessionId) {
  try {
    return KeyPair.fromHex(sessionStorage.getItem(storageKey(sessionId)));
  } catch {
    return null;
  }
}

function saveKey(sessionId, key) {
  try {
    sessionStorage.setItem(storageKey(sessionId), key.toHex());
  } catch {
    // Storage refused (private mode): the key lives in memory only.
  }
}

/** skewOf is the offset of the server's clock from ours, from a Date header. */
function skewOf(resp) {
  const d = Date.parse(resp.headers.get('Date') || '');
  if (Number.isNaN(d)) return 0;
  const skew = d - Date.now();
  // The header has a one-second resolution: ignore what it cannot tell.
  return Math.abs(skew) > 2000 ? skew : 0;
}

/** Api speaks to this server's API for one session. */
export class Api {
  constructor(sessionId) {
    this.sessionId = sessionId;
    this.resumed = false;
    this.skew = 0;
  }

  /** connect makes (or restores) the key pair and agrees the shared key. */
  async connect() {
    let key = loadKey(this.sessionId);
    this.resumed = key !== null;
    if (!key) {
      key = KeyPair.generate();
      saveKey(this.sessionId, key);
    }
    this.key = key;
    const body = await this.raw('GET', '/publickeys', undefined, {}, true);
    if (!body || typeof body.publicKey !== 'string') throw new ApiError(500, { message: 'no server key' });
    this.shared = await key.sharedKey(body.publicKey);
  }

  /** forget drops the stored key: the session is over. */
  forget() {
    try {
      sessionStorage.removeItem(storageKey(this.sessionId));
    } catch {
      // Nothing stored.
    }
  }

  async headers() {
    const ts = Math.floor((Date.now() + this.skew) / 1000);
    const requestid = await seal(this.shared, JSON.stringify({ ts, appid: APP_ID, uuid: uuid() }));
    return { publickey: this.key.publicKey, requestid };
  }

  // raw makes one HTTP call and returns the parsed JSON body. Calls
  // without an answer are tried again when idempotent (GET); a 401 (the
  // clock, most likely) once after re-reading the server's time.
  async raw(method, path, body, extra, idempotent) {
    let clockRetried = false;
    for (let attempt = 0; ; attempt++) {
      const headers = { Accept: 'application/json', ...(this.shared ? await this.headers() : {}), ...extra };
      const init = { method, headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      let resp;
      try {
        resp = await fetch(path, init);
      } catch (err) {
        if (idempotent && attempt < 2) {
          await sleep(800 * 2 ** attempt);
          continue;
        }
        throw new NetworkError(err);
      }
      const skew = skewOf(resp);
      if (!this.shared) this.skew = skew;
      let data = null;
      const text = await resp.text();
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = { message: text.slice(0, 200) };
        }
      }
      if (resp.ok) return data;
      if (resp.status === 401 && this.shared && !clockRetried) {
        clockRetried = true;
        this.skew = skew;
        continue;
      }
      if (resp.status >= 500 && idempotent && attempt < 2) {
        await sleep(800 * 2 ** attempt);
        continue;
      }
      throw new ApiError(resp.status, data);
    }
  }

  // Some of the API's GETs change the session (complete, retry, decline):
  // those are not tried again blindly, lest a retry be spent twice.
  get(path, idempotent = true) {
    return this.raw('GET', path, undefined, {}, idempotent);
  }

  post(path, body, idempotent = false) {
    return this.raw('POST', path, body, {}, idempotent);
  }

  get base() {
    return `/proofingsession/${encodeURIComponent(this.sessionId)}`;
  }

  /** details is the session with its capture settings. */
  details() {
    return this.get(this.base);
  }

  /** start binds the session to this page's key (or resumes it). */
  start() {
    return this.get(`${this.base}/start`);
  }

  /** workflow is the steps of the session's template. */
  async workflow() {
    const out = await this.get(`/proofingtemplates/${encodeURIComponent(this.sessionId)}`);
    const tpl = (out && Array.isArray(out.list) && out.list[0]) || null;
    if (!tpl) return { builtIn: true, steps: [] };
    let steps = tpl.workflow;
    if (steps && !Array.isArray(steps)) steps = [steps];
    return { builtIn: tpl._id === 'default', steps: Array.isArray(steps) ? steps : [] };
  }

  /**
   * event reports a screen. Events go one after another, in order, in the
   * background; they never fail the flow (they are a record for the
   * dashboard, not a step).
   */
  event(name, screenName, status = true, error = '') {
    const send = () => this.post(`${this.base}/submit/event/${encodeURIComponent(name)}`,
      { screen_name: screenName, status, error: error || '' }).catch(() => {});
    this.events = (this.events || Promise.resolve()).then(send);
    return this.events;
  }

  /**
   * flush waits for the events sent so far: a call that ends the session
   * goes after them, or they would arrive too late to be recorded.
   */
  flush() {
    return this.events || Promise.resolve();
  }

  /** presign asks for upload URLs: {name: url}. */
  presign(names) {
    return this.post(`/presignedurls/${encodeURIComponent(this.sessionId)}`, { imagesUrl: names }, true);
  }

  submitSelfie(names) {
    return this.post(`${this.base}/submit/verification/selfie_liveness`, { imageNames: names });
  }

  /** submitDocument stores both sides and verifies the attempt. */
  async submitDocument(front, back) {
    await this.flush();
    const body = { document_front: { result: {}, imageNames: front } };
    if (back && back.length) body.document_back = { result: {}, imageNames: back };
    return this.post(`${this.base}/v3/submit/document`, body);
  }

  /** livenessChallenge is the head movement asked for in this attempt. */
  livenessChallenge() {
    return this.get(`${this.base}/liveness/challenge`);
  }

  /**
   * livenessFrames sends the burst filmed for the challenge (base64 JPEGs,
   * oldest first). Sending it again replaces it, so a lost answer may be
   * retried.
   */
  livenessFrames(frames) {
    return this.post(`${this.base}/liveness/frames`, { frames }, true);
  }

  validate() {
    return this.get(`${this.base}/validate`);
  }

  async complete() {
    await this.flush();
    return this.get(`${this.base}/complete`, false);
  }

  async retry() {
    await this.flush();
    return this.get(`${this.base}/retry`, false);
  }

  async retryCancel() {
    await this.flush();
    return this.get(`${this.base}/retry/cancel`, false);
  }

  async decline() {
    await this.flush();
    return this.get(`${this.base}/decline`, false);
  }

  async uploadCancel(screenName) {
    await this.flush();
    return this.post(`${this.base}/upload/cancel`, { screenName });
  }
}

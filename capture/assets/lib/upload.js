// Uploads: presigned URLs from the API, one PUT per picture straight to the
// community's bucket, with progress, and tried again when the connection
// drops.
import { encode, typeForURL } from './imaging.js';

/** UploadError is a PUT that failed; retryable tells whether trying again may help. */
export class UploadError extends Error {
  constructor(status, retryable) {
    super(`upload failed (${status || 'no answer'})`);
    this.name = 'UploadError';
    this.status = status;
    this.retryable = retryable;
  }
}

const ATTEMPTS = 4;

function abortError() {
  return new DOMException('aborted', 'AbortError');
}

function wait(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const id = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(id); reject(abortError()); }, { once: true });
  });
}

function put(url, blob, type, onProgress, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.withCredentials = false;
    xhr.setRequestHeader('Content-Type', type);
    // Azure needs it; other stores ignore it.
    xhr.setRequestHeader('x-ms-blob-type', 'BlockBlob');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(blob.size);
        resolve();
      } else {
        const s = xhr.status;
        reject(new UploadError(s, s >= 500 || s === 408 || s === 429));
      }
    };
    xhr.onerror = () => reject(new UploadError(0, true));
    xhr.ontimeout = () => reject(new UploadError(0, true));
    xhr.onabort = () => reject(abortError());
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

/**
 * uploadAll sends pictures ([{name, canvas}]) through the session's
 * presigned URLs, each encoded in the type its URL was signed for.
 * onProgress gets the share sent (0..1); onRetry(attempt, of) is told of
 * a dropped connection being tried again. It returns the names sent.
 */
export async function uploadAll(api, items, { onProgress = () => {}, onRetry = () => {}, signal } = {}) {
  const urls = await api.presign(items.map((i) => i.name));
  const parts = [];
  for (const it of items) {
    const url = urls && urls[it.name];
    if (typeof url !== 'string') throw new UploadError(0, false);
    const type = typeForURL(url);
    parts.push({ name: it.name, url, type, blob: await encode(it.canvas, type) });
  }
  const total = parts.reduce((s, p) => s + p.blob.size, 0) || 1;
  const sent = parts.map(() => 0);
  const report = () => onProgress(Math.min(1, sent.reduce((a, b) => a + b, 0) / total));
  report();
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    for (let attempt = 1; ; attempt++) {
      try {
        await put(p.url, p.blob, p.type, (n) => { sent[i] = n; report(); }, signal);
        break;
      } catch (err) {
        if (err.name === 'AbortError' || !err.retryable || attempt >= ATTEMPTS) throw err;
        sent[i] = 0;
        report();
        onRetry(attempt + 1, ATTEMPTS);
        await wait(1000 * 2 ** (attempt - 1), signal);
      }
    }
  }
  return parts.map((p) => p.name);
}

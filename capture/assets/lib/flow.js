// What every part of the flow shares: the session's context, the end
// states in plain words, declining, and recovering from errors.
import { announce, button, h, show, showFinal } from './dom.js';
import { t } from './i18n.js';
import { stopCamera } from './camera.js';
import { ApiError, NetworkError } from './api.js';

/** ENDED unwinds the flow once an end screen is shown. */
export const ENDED = Object.freeze({ ended: true });

/** createContext reads the page's data attributes. */
export function createContext(root) {
  const ds = root.dataset;
  const ctx = {
    sessionId: ds.session,
    statusURL: ds.status,
    qrURL: ds.qr,
    api: null,
    camera: 'unknown',
    builtIn: true,
    documentType: 'dl_object',
    details: {},
    capture: captureSettings({}),
    captures: {},
    liveness: null, // the head movement of this attempt (lib/liveness.js)
    bound: false,
    ended: false,
    abort: new AbortController(),
    /** event reports a screen, in the background, once the session is ours. */
    event(name, screen, status = true, error = '') {
      if (ctx.api && ctx.bound && !ctx.ended) ctx.api.event(name, screen || '', status, error);
    },
    /** check throws ENDED once the flow has ended. */
    check() {
      if (ctx.ended) throw ENDED;
    },
  };
  return ctx;
}

/** captureSettings normalises the capture settings of GET /proofingsession/{id}. */
export function captureSettings(d) {
  const num = (v, dflt) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : dflt);
  return {
    autoDetectTimeout: num(d.autoDetectTimeout, 40),
    postTimeoutCaptureMode: ['none', 'manual', 'auto'].includes(d.postTimeoutCaptureMode) ? d.postTimeoutCaptureMode : 'manual',
    countdownSeconds: Math.min(10, Math.round(num(d.autoCaptureCountdownSeconds, 3))),
    countdownVisible: d.autoCaptureCountdownVisible !== false,
    selfieCaptureMode: d.selfieCaptureMode === 'manualWithFaceDetection' ? 'manualWithFaceDetection' : 'auto',
  };
}

/** stateOfOutcome names the end state of a completed session's outcome. */
export function stateOfOutcome(outcome) {
  return {
    COMPLETED_PASS: 'pass', REVIEW: 'review', COMPLETED_FAILED: 'failed', COMPLETED_NOT_PERFORMED: 'notPerformed',
  }[outcome] || 'completed';
}

/** stateOfStatus names the end state of a status reply, or null while the session goes on. */
export function stateOfStatus(st) {
  switch (st && st.status) {
    case 'COMPLETED': return stateOfOutcome(st.outcome);
    case 'EXPIRED': return 'expired';
    case 'ABANDONED': return 'abandoned';
    case 'DECLINED': return 'declined';
    case 'NOT_FOUND': return 'notFound';
    default: return null;
  }
}

// The catalogue keys of each end state: the server's own end pages' texts
// where they say the same thing.
const END_KEYS = {
  pass: 'done.pass', review: 'done.review', failed: 'done.failed', notPerformed: 'done.notPerformed',
  uploadCancelled: 'done.uploadCancelled', completed: 'end.completed', declined: 'end.declined',
  expired: 'end.expired', abandoned: 'end.abandoned', notFound: 'end.notFound',
};

/** end shows an end state; nothing else is shown afterwards. */
export function end(ctx, state) {
  ctx.ended = true;
  ctx.abort.abort();
  stopCamera();
  if (ctx.api) ctx.api.forget();
  const key = END_KEYS[state] || 'end.completed';
  const ok = state === 'pass' || state === 'review' || state === 'completed';
  showFinal(`end-${state}`,
    h('div', { class: `end-mark ${ok ? 'end-ok' : 'end-stop'}`, 'aria-hidden': 'true' }),
    h('h1', {}, t(`${key}.title`)),
    h('p', {}, t(`${key}.body`)),
    key.startsWith('done.') ? h('p', { class: 'small' }, t('end.closeHint')) : null);
}

/** fetchStatus reads the page's status URL (no key needed). */
export async function fetchStatus(ctx) {
  const resp = await fetch(ctx.statusURL, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (resp.status === 404) return { status: 'NOT_FOUND' };
  if (!resp.ok) throw new NetworkError(new Error(`status ${resp.status}`));
  return resp.json();
}

/** terminalState is the end state of the session now, or null if it goes on. */
export async function terminalState(ctx) {
  try {
    return stateOfStatus(await fetchStatus(ctx));
  } catch {
    return null;
  }
}

let dialogs = 0;

/** confirm asks a yes/no question in a modal dialog. */
export function confirm(title, body, yes, no) {
  return new Promise((resolve) => {
    const id = `dlg-${++dialogs}`;
    let answer = false;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': `${id}-t`, 'aria-describedby': `${id}-b` },
      h('h2', { id: `${id}-t` }, title),
      h('p', { id: `${id}-b` }, body),
      h('div', { class: 'actions' },
        button(no, () => dialog.close(), 'primary'),
        button(yes, () => { answer = true; dialog.close(); }, 'secondary')));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * decline asks the person to confirm, then declines the session. It
 * returns false if they changed their mind; otherwise the end screen is
 * shown and it throws ENDED.
 */
export async function decline(ctx) {
  if (ctx.ended) throw ENDED;
  const sure = await confirm(t('decline.title'), t('decline.body'), t('decline.yes'), t('decline.no'));
  if (!sure) return false;
  await guard(ctx, () => ctx.api.decline());
  end(ctx, 'declined');
  throw ENDED;
}

/**
 * guard runs fn, and on failure shows what went wrong: the end state if
 * the session has ended meanwhile, the other-device screen if another key
 * holds it, else an error screen whose button runs fn again.
 */
export async function guard(ctx, fn) {
  for (;;) {
    ctx.check();
    try {
      return await fn();
    } catch (err) {
      await recover(ctx, err);
    }
  }
}

/**
 * recover handles the failure err: it throws ENDED when the session has
 * ended or another device holds it (their screens shown), and otherwise
 * resolves once the person has read the error and asked to try again.
 */
export async function recover(ctx, err) {
  if (err === ENDED || ctx.ended) throw ENDED;
  const state = await terminalState(ctx);
  if (state) {
    end(ctx, state);
    throw ENDED;
  }
  if (err instanceof ApiError && err.status === 403 && ctx.onTakenOver) {
    await ctx.onTakenOver();
    throw ENDED;
  }
  await errorScreen(err);
}

/** errorScreen explains a failure and resolves when the person asks to try again. */
export function errorScreen(err) {
  return new Promise((resolve) => {
    const network = err instanceof NetworkError || (err && err.name === 'UploadError' && !err.status);
    const body = network ? t('error.network') : t('error.generic');
    show('error',
      h('h1', {}, t('error.title')),
      h('p', {}, body),
      h('div', { class: 'actions' }, button(t('error.again'), () => resolve(), 'primary')));
    announce(body, { urgent: true });
  });
}

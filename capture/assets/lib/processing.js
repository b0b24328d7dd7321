// Sending and checking: the pictures go up through presigned URLs with a
// progress bar; the burst of the head movement is made sure of, the selfie
// is submitted, then the document (which runs the verification); and the
// verdict decides what the person sees: done, a retry with what to fix, or
// the end of the road in plain words.
import { announce, button, h, show } from './dom.js';
import { t, has } from './i18n.js';
import { ApiError } from './api.js';
import { uploadAll } from './upload.js';
import { finishLiveness, livenessNote } from './liveness.js';
import { stepContent } from './step-view.js';
import { confirm, end, ENDED, guard, recover, stateOfOutcome } from './flow.js';

const NAMES = { front: 'document_front_image', back: 'document_back_image', selfie: 'selfie_liveness_image' };

/**
 * processing runs the PROCESSING step (step may be null). It resolves
 * {retry: true} when the person takes a retry; otherwise it ends the flow.
 */
export async function processing(ctx, step) {
  const screen = (step && step.name) || 'processing';
  const items = ['front', 'back', 'selfie'].filter((k) => ctx.captures[k])
    .map((k) => ({ name: NAMES[k], canvas: ctx.captures[k] }));
  if (items.length === 0) {
    // Nothing was captured (a workflow without capture steps): what the
    // server holds is verified as it is.
    return decide(ctx, await guard(ctx, () => checking(ctx, step, () => ctx.api.validate())));
  }
  const sent = await send(ctx, screen, items);
  if (sent.retake) return { retry: true, retake: true };
  ctx.event('E_IDV_DOCUMENT_SUBMISSION', screen, true);
  const reply = await guard(ctx, () => checking(ctx, step, () => submit(ctx, sent.names)));
  const v = (reply && reply.validation) || {};
  ctx.event('E_IDV_DOCUMENT_VALIDATE', screen, v.resultStatus === 'COMPLETED_PASS', v.reason || '');
  return decide(ctx, reply);
}

/** send uploads the pictures, showing progress; the person may cancel. */
async function send(ctx, screen, items) {
  for (;;) {
    ctx.check();
    const abort = new AbortController();
    const onEnd = () => abort.abort();
    ctx.abort.signal.addEventListener('abort', onEnd, { once: true });
    const bar = h('progress', { id: 'upload-progress', max: '100', value: '0' });
    const pct = h('span', { class: 'pct' }, '0 %');
    const note = h('p', { class: 'notice', hidden: true });
    let cancelled = false;
    const cancel = button(t('upload.cancel'), () => {
      cancelled = true;
      abort.abort();
    }, 'secondary');
    show('upload',
      h('h1', {}, t('upload.title')),
      h('p', {}, t('upload.body')),
      h('div', { class: 'progress' },
        h('label', { for: 'upload-progress' }, t('upload.progress')), bar, pct),
      note,
      h('div', { class: 'actions' }, cancel));
    let lastSaid = 0;
    try {
      const names = await uploadAll(ctx.api, items, {
        signal: abort.signal,
        onProgress: (share) => {
          const p = Math.round(share * 100);
          bar.value = p;
          pct.textContent = `${p} %`;
          // Spoken at each quarter, not at every percent.
          if (p >= lastSaid + 25 && p < 100) {
            lastSaid = p - (p % 25);
            announce(t('upload.percent', { n: lastSaid }));
          }
        },
        onRetry: (n, of) => {
          note.textContent = t('upload.retrying', { n, of });
          note.hidden = false;
          announce(note.textContent, { force: true });
        },
      });
      announce(t('upload.done'), { force: true });
      return { names };
    } catch (err) {
      ctx.check();
      if (cancelled) {
        const next = await afterCancel(ctx, screen);
        if (next === 'retake') return { retake: true };
        continue;
      }
      if (err && err.name === 'AbortError') throw ENDED;
      if (!(err instanceof ApiError)) ctx.event('E_IDV_DOCUMENT_SUBMISSION', screen, false, 'upload_failed');
      await recover(ctx, err);
    } finally {
      ctx.abort.signal.removeEventListener('abort', onEnd);
    }
  }
}

/**
 * afterCancel follows a cancelled upload. With high-resolution uploads the
 * session's configuration lets the person end it here (upload/cancel);
 * otherwise they may send again or take the pictures again.
 */
async function afterCancel(ctx, screen) {
  if (ctx.details.useHighResolutionImages || ctx.details.useBucket) {
    const sure = await confirm(t('upload.cancelTitle'), t('upload.cancelBody'), t('upload.cancelYes'), t('upload.cancelNo'));
    if (sure) {
      await guard(ctx, () => ctx.api.uploadCancel(screen));
      end(ctx, 'uploadCancelled');
      throw ENDED;
    }
    return 'again';
  }
  return new Promise((resolve) => {
    show('upload-stopped',
      h('h1', {}, t('upload.stoppedTitle')),
      h('p', {}, t('upload.stoppedBody')),
      h('div', { class: 'actions' },
        button(t('upload.sendAgain'), () => resolve('again'), 'primary'),
        button(t('upload.retake'), () => resolve('retake'), 'secondary')));
  });
}

/** checking shows the waiting screen while fn runs. */
async function checking(ctx, step, fn) {
  const note = livenessNote(ctx);
  show('checking',
    ...stepContent(ctx, step, t('checking.title'), [h('p', {}, t('checking.body')), note ? h('p', { class: 'small' }, note) : null]),
    h('div', { class: 'spinner', 'aria-hidden': 'true' }));
  announce(t('checking.title'), { force: true });
  return fn();
}

async function submit(ctx, names) {
  // The burst of the head movement must be there before the document's
  // submission verifies the attempt.
  await finishLiveness(ctx);
  if (names.includes(NAMES.selfie)) {
    await ctx.api.submitSelfie([NAMES.selfie]);
  }
  const front = names.filter((n) => n.startsWith('document_front'));
  const back = names.filter((n) => n.startsWith('document_back'));
  if (front.length === 0) return ctx.api.validate();
  try {
    return await ctx.api.submitDocument(front, back);
  } catch (err) {
    // Sent before (the answer was lost): read the verdict instead.
    if (err instanceof ApiError && err.status === 400 && /already verified/i.test(err.message)) {
      return ctx.api.validate();
    }
    throw err;
  }
}

/** decide acts on a validation reply. */
export async function decide(ctx, reply) {
  const v = (reply && reply.validation) || {};
  const left = Number((reply && reply.retriesLeft) || 0);
  const passed = v.resultStatus === 'COMPLETED_PASS' || v.resultStatus === 'REVIEW';
  if (!passed && v.retryable && left > 0) {
    const choice = await retryScreen(ctx, v, left);
    if (choice === 'retry') {
      await guard(ctx, () => ctx.api.retry());
      return { retry: true };
    }
    const c = await guard(ctx, () => ctx.api.retryCancel());
    end(ctx, stateOfOutcome(c && c.completionStatus));
    throw ENDED;
  }
  const c = await guard(ctx, () => ctx.api.complete());
  end(ctx, stateOfOutcome(c && c.completionStatus));
  throw ENDED;
}

// What to fix, by reason code first, then by the check that failed.
const REASON_HINTS = {
  IDV0041: 'hint.quality', IDV0042: 'hint.noFace', IDV0043: 'hint.manyFaces', IDV0044: 'hint.expired',
  IDV0046: 'hint.mrz', IDV0048: 'hint.mrz', IDV0047: 'hint.barcode', IDV0040: 'hint.mismatch', IDV0049: 'hint.specimen',
};
const CHECK_HINTS = {
  document_liveness_front: 'hint.front', document_liveness_back: 'hint.back', selfie_liveness: 'hint.selfie',
  face_compare: 'hint.faceCompare', fraud_detection: 'hint.document',
};

/**
 * hints lists what the person can change, from the verdict's checks.
 * filmed says the attempt included the head movement: a failed
 * selfie_liveness may then be the movement's as much as the selfie's.
 */
export function hints(v, filmed = false) {
  const keys = [];
  const add = (k) => { if (k && has(k) && !keys.includes(k)) keys.push(k); };
  const failed = (Array.isArray(v.checks) ? v.checks : []).filter((c) => c && c.result && c.result !== 'PASS');
  for (const c of failed) {
    add(REASON_HINTS[c.reason] || CHECK_HINTS[c.part || c.name]);
    if (filmed && (c.part || c.name) === 'selfie_liveness') add('hint.movement');
  }
  if (keys.length === 0) add(REASON_HINTS[v.reason]);
  if (keys.length === 0) add('hint.generic');
  return keys;
}

function retryScreen(ctx, v, left) {
  return new Promise((resolve) => {
    const failed = (Array.isArray(v.checks) ? v.checks : []).filter((c) => c && c.result && c.result !== 'PASS');
    const details = failed.length || v.message
      ? h('details', { class: 'details' },
        h('summary', {}, t('retry.details')),
        h('ul', {}, (failed.length ? failed : [v]).map((c) =>
          h('li', {}, [c.name, c.reason, c.message].filter(Boolean).join(' – ')))))
      : null;
    show('retry',
      h('h1', {}, t('retry.title')),
      h('p', {}, t('retry.body')),
      h('ul', { class: 'hints' }, hints(v, !!(ctx.liveness && ctx.liveness.state === 'sent')).map((k) => h('li', {}, t(k)))),
      h('p', {}, t(left === 1 ? 'retry.leftOne' : 'retry.left', { n: left })),
      h('div', { class: 'actions' },
        button(t('retry.again'), () => resolve('retry'), 'primary'),
        button(t('retry.stop'), () => resolve('stop'), 'secondary')),
      details);
  });
}

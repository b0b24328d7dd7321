// The capture application: the page a person opens at a session's URL to
// photograph an identity document and a selfie. Plain ES modules, no
// build step; everything it needs is served by this server.
//
//   lib/wire.js          the API's envelope (secp256k1 ECDH, AES-256-GCM)
//   lib/api.js           the API client (fresh requestid per call)
//   lib/i18n.js          the catalogue of strings
//   lib/dom.js           elements, screens, focus, live announcements
//   lib/flow.js          shared context, end states, decline, errors
//   lib/workflow.js      the template's steps and actions
//   lib/step-view.js     a step's page, sanitised (lib/sanitize.js)
//   lib/capture-step.js  camera, framing guide, auto-capture, review, files
//   lib/liveness.js      the head movement after the selfie (active liveness)
//   lib/camera.js        getUserMedia
//   lib/quality.js       darkness, glare, blur, fill, before upload
//   lib/imaging.js       resize and encode pictures
//   lib/upload.js        presigned uploads with progress and retries
//   lib/processing.js    sending, verdict, retry, completion
//   lib/handoff.js       continuing on a phone (QR) and following the session
import * as i18n from './lib/i18n.js';
import { button, footer, h, mount, show } from './lib/dom.js';
import { Api, ApiError } from './lib/api.js';
import { cameraAvailable } from './lib/camera.js';
import {
  captureSettings, createContext, decline, end, ENDED, fetchStatus, guard, stateOfStatus,
} from './lib/flow.js';
import { decide } from './lib/processing.js';
import { runWorkflow } from './lib/workflow.js';
import { follow, offerPhone } from './lib/handoff.js';

const root = document.getElementById('app');

/** desktop: no touch screen, where a phone's camera is the better choice. */
function desktop() {
  return !matchMedia('(any-pointer: coarse)').matches;
}

async function main() {
  await i18n.load(root.dataset.strings);
  mount(root);
  const ctx = createContext(root);
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    show('insecure', h('h1', {}, i18n.t('error.title')), h('p', {}, i18n.t('error.insecure')));
    return;
  }
  show('loading', h('h1', {}, i18n.t('page.title')), h('p', { class: 'loading' }, i18n.t('page.loading')));

  const status = await guard(ctx, () => fetchStatus(ctx));
  const state = stateOfStatus(status);
  if (state) return end(ctx, state);

  ctx.api = new Api(ctx.sessionId);
  await guard(ctx, () => ctx.api.connect());
  ctx.onTakenOver = () => follow(ctx, 'other');

  if (status.started && !ctx.api.resumed) return follow(ctx, 'other');
  ctx.camera = await cameraAvailable();
  if (!status.started && (ctx.camera === 'none' || desktop())) {
    const where = await offerPhone(ctx, ctx.camera === 'none');
    if (where === 'phone') return follow(ctx, 'phone');
  }

  let started;
  try {
    started = await guard(ctx, () => ctx.api.start());
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return follow(ctx, 'other');
    throw err;
  }
  ctx.bound = true;
  const [details, wf] = await guard(ctx, () => Promise.all([ctx.api.details(), ctx.api.workflow()]));
  ctx.details = details || {};
  ctx.documentType = ctx.details.documentType || 'dl_object';
  ctx.capture = captureSettings(ctx.details);
  ctx.builtIn = wf.builtIn;
  ctx.event('E_IDV_INITIALIZATION', 'initialization', true);
  footer(button(i18n.t('decline.open'), () => decline(ctx).catch(() => {}), 'link'));

  // Reloaded after this attempt was verified: its verdict decides.
  let retake = false;
  const results = started && started.data && started.data['session-result'];
  if (Array.isArray(results) && results.length > 0) {
    await decide(ctx, await guard(ctx, () => ctx.api.validate()));
    retake = true;
  }
  await runWorkflow(ctx, wf.steps, { retake });
}

main().catch((err) => {
  if (err === ENDED) return;
  // Nothing personal in the log: the error's kind and message only.
  console.error('capture:', err && err.name, err && err.message);
  try {
    show('error', h('h1', {}, i18n.t('error.title')), h('p', {}, i18n.t('error.generic')),
      h('div', { class: 'actions' }, button(i18n.t('error.reload'), () => location.reload(), 'primary')));
  } catch {
    // The page could not even be drawn; the shell's text stays.
  }
});

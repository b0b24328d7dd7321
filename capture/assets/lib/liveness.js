// Active liveness: when the session's checks include selfie_liveness, the
// person turns their head the way the server asks, and the camera films a
// short burst of frames that the verifier reads with the selfie. A printed
// photo or a replayed video cannot follow a direction picked after it was
// made.
//
// The step comes right after the selfie is accepted: the person is already
// facing the front camera, framed in the same oval, and the still selfie
// (looking straight) is taken before they are asked to move.
//
// Left and right. The direction is the person's own. The front camera's
// preview is shown mirrored, as a mirror would show them: when they turn to
// their left, their face on the screen turns towards the screen's left, so
// the arrow drawn over the preview points to the screen's left for
// turn_left. The frames sent are the camera's own, unmirrored (a canvas
// draws the video's frames, not its CSS transform): in them the same turn
// goes towards the picture's right, as the camera sees it. The review
// shows the frames mirrored again, as the person saw themselves.
import { announce, button, h, show } from './dom.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';
import { CameraError, openCamera, stopCamera } from './camera.js';
import { recover } from './flow.js';

/** FRAMES is how many frames a burst films, INTERVAL the ms between two. */
export const FRAMES = 8;
const INTERVAL = 240; // 8 frames over about 2 s: one slow turn of the head
const LONG_SIDE = 480; // pixels: enough to follow a face, small to send
const QUALITY = 0.8;

const DIRECTIONS = ['turn_left', 'turn_right'];

/** livenessWanted tells whether the session's checks ask for the movement. */
export function livenessWanted(ctx) {
  const checks = ctx.details && Array.isArray(ctx.details.checks) ? ctx.details.checks : [];
  return checks.includes('selfie_liveness');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * refused tells whether err is the server declining the request itself
 * (a 4xx other than a key problem): trying again would not help, and the
 * flow goes on without the movement.
 */
function refused(err) {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403;
}

/**
 * livenessStep runs the movement after the selfie of step. It sets
 * ctx.liveness to what happened ({state}: filmed, skipped, noCamera,
 * cameraFailed, unavailable); a filmed burst is sent at once, in the
 * background, and finishLiveness makes sure it arrived before the
 * document is submitted. The step never blocks the flow: without a
 * camera, or when the person cannot make the movement, it is left out and
 * the server reports it as not performed.
 */
export async function livenessStep(ctx, step) {
  ctx.liveness = null;
  if (!livenessWanted(ctx)) return;
  const screen = (step && step.name) || 'selfie';
  if (ctx.camera === 'none' || ctx.camera === 'denied') {
    ctx.liveness = { state: 'noCamera' };
    ctx.event('E_IDV_LIVENESSCAPTURE', screen, false, 'no_camera');
    return;
  }
  const challenge = await fetchChallenge(ctx);
  if (!challenge) {
    ctx.liveness = { state: 'unavailable' };
    return;
  }
  ctx.event('E_IDV_LIVENESSINSTRUCTION', screen);
  const count = Math.min(challenge.maxFrames, Math.max(challenge.minFrames, FRAMES));
  for (;;) {
    ctx.check();
    const shot = await filmScreen(ctx, challenge, count);
    ctx.check();
    if (shot.again) continue;
    if (shot.skip) {
      ctx.liveness = { state: shot.skip };
      ctx.event('E_IDV_LIVENESSCAPTURE', screen, false, shot.skip === 'skipped' ? 'skipped' : 'camera_failed');
      return;
    }
    const use = await reviewScreen(challenge, shot.frames);
    ctx.check();
    if (!use) continue;
    ctx.liveness = { state: 'filmed', attempt: challenge.attempt, frames: shot.frames.map((f) => f.base64) };
    ctx.event('E_IDV_LIVENESSCAPTURE', screen, true);
    send(ctx, ctx.liveness);
    return;
  }
}

/**
 * fetchChallenge asks for the current attempt's movement; null when the
 * server offers none (the flow goes on without it). A lost connection
 * shows the error screen and tries again.
 */
async function fetchChallenge(ctx) {
  for (;;) {
    ctx.check();
    try {
      const c = await ctx.api.livenessChallenge();
      if (!c || !DIRECTIONS.includes(c.direction)) return null;
      const num = (v, dflt) => (Number.isInteger(v) && v > 0 ? v : dflt);
      return { direction: c.direction, attempt: c.attempt, minFrames: num(c.minFrames, 3), maxFrames: num(c.maxFrames, 12) };
    } catch (err) {
      if (refused(err)) return null;
      await recover(ctx, err);
    }
  }
}

/** send posts a filmed burst in the background; l.sending settles either way. */
function send(ctx, l) {
  l.error = null;
  l.sending = ctx.api.livenessFrames(l.frames).then((reply) => {
    l.state = 'sent';
    l.received = reply && reply.received;
    l.frames = null;
  }, (err) => {
    l.sending = null;
    if (refused(err)) {
      // Too late, or the attempt was verified meanwhile: nothing to fix here.
      l.state = 'refused';
      l.frames = null;
    } else {
      l.error = err;
    }
  });
  return l.sending;
}

/**
 * finishLiveness makes sure the filmed burst has reached the server,
 * sending it again if the connection dropped. It throws the connection's
 * error when it still fails, for the caller's error screen.
 */
export async function finishLiveness(ctx) {
  const l = ctx.liveness;
  if (!l || l.state !== 'filmed') return;
  await (l.sending || send(ctx, l));
  if (l.state === 'filmed' && l.error) throw l.error;
}

/** livenessNote is what the checking screen says of a movement not filmed, or null. */
export function livenessNote(ctx) {
  const l = ctx.liveness;
  return l && ['noCamera', 'skipped', 'cameraFailed', 'unavailable'].includes(l.state) ? t('liveness.notFilmed') : null;
}

/**
 * filmScreen shows the camera with the instruction and films the burst
 * once the person presses Start. It resolves {frames}, {skip}, or {again}
 * (the camera failed and the person asks to try it again).
 */
function filmScreen(ctx, challenge, count) {
  return new Promise((resolve) => {
    const dir = challenge.direction;
    const side = dir === 'turn_left' ? 'left' : 'right';
    const seconds = Math.max(1, Math.round((count * INTERVAL) / 1000));
    const video = h('video', { class: 'mirror', muted: true, playsinline: true, autoplay: true, 'aria-hidden': 'true' });
    const arrow = h('div', { class: `turn-arrow turn-arrow-${side}`, 'aria-hidden': 'true' });
    const guide = h('div', { class: 'guide guide-face', 'aria-hidden': 'true' });
    const countEl = h('div', { class: 'countdown', 'aria-hidden': 'true', hidden: true });
    const stage = h('div', { class: 'stage stage-selfie stage-liveness' }, video, guide, arrow, countEl);
    // Shown under the picture; spoken through the live region.
    const status = h('p', { class: 'stage-status', 'aria-hidden': 'true' }, t('camera.starting'));
    const bar = h('progress', { id: 'liveness-progress', max: String(count), value: '0' });
    const pct = h('span', { class: 'pct' }, t('liveness.progress', { n: 0, of: count }));
    const progress = h('div', { class: 'progress', hidden: true },
      h('label', { for: 'liveness-progress' }, t('liveness.progressLabel')), bar, pct);
    const notice = h('p', { class: 'notice', hidden: true });
    const start = button(t('liveness.start'), () => run(), 'primary', { disabled: true });
    let failed = false; // the camera could not be used
    const skip = button(t('liveness.skip'), () => finish({ skip: failed ? 'cameraFailed' : 'skipped' }), 'link');
    const body = t(`liveness.body.${dir}`, { s: seconds });
    show('capture-camera-liveness',
      h('h1', {}, t(`liveness.title.${dir}`)),
      h('p', { class: 'liveness-instruction' }, body),
      h('figure', { class: 'stage-wrap', 'aria-label': t('camera.preview', { what: t('capture.selfie.what') }) }, stage, status),
      progress,
      notice,
      h('div', { class: 'actions' }, start, skip),
      h('p', { class: 'small' }, t('liveness.why')));
    announce(body, { force: true });

    let done = false;
    let busy = false;
    const finish = (value) => {
      if (done || busy) return;
      done = true;
      stopCamera();
      resolve(value);
    };
    const say = (text, force = false) => {
      status.textContent = text;
      announce(text, { force });
    };
    const gone = () => ctx.ended || !video.isConnected;

    const run = async () => {
      if (done || busy || start.disabled) return;
      // Focus stays on the button, which does nothing until the end.
      busy = true;
      start.setAttribute('aria-disabled', 'true');
      skip.setAttribute('aria-disabled', 'true');
      const secs = Math.max(1, Math.min(5, ctx.capture.countdownSeconds));
      for (let n = secs; n > 0; n--) {
        if (gone()) return abandon();
        if (ctx.capture.countdownVisible) {
          countEl.textContent = String(n);
          countEl.hidden = false;
        }
        say(t('liveness.countdown', { n }), true);
        await sleep(1000);
      }
      countEl.hidden = true;
      if (gone()) return abandon();
      stage.classList.add('filming');
      progress.hidden = false;
      say(t(`liveness.now.${dir}`), true);
      const canvases = [];
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = t0 + i * INTERVAL - performance.now();
        if (wait > 0) await sleep(wait);
        if (gone()) return abandon();
        canvases.push(grab(video));
        bar.value = i + 1;
        pct.textContent = t('liveness.progress', { n: i + 1, of: count });
      }
      stopCamera();
      say(t('liveness.filmed'), true);
      let frames;
      try {
        frames = await Promise.all(canvases.map(encode));
      } catch {
        frames = null;
      }
      busy = false;
      if (!frames) {
        // The browser could not make the pictures: as a camera failure.
        fail();
        return;
      }
      finish({ frames });
    };
    const abandon = () => {
      busy = false;
      finish({ again: true });
    };
    const fail = () => {
      failed = true;
      stopCamera();
      status.textContent = t('liveness.cameraFailedShort');
      notice.textContent = t('liveness.cameraFailed');
      notice.hidden = false;
      progress.hidden = true;
      start.replaceWith(button(t('liveness.tryAgain'), () => finish({ again: true }), 'primary'));
      skip.removeAttribute('aria-disabled');
      announce(notice.textContent, { urgent: true });
    };

    openCamera(video, 'user').then((stream) => {
      if (done || gone()) {
        stopCamera(stream);
        return;
      }
      ctx.camera = 'available';
      start.disabled = false;
      status.textContent = t('liveness.ready');
    }, (err) => {
      const code = err instanceof CameraError ? err.code : 'other';
      if (code === 'denied' || code === 'none') ctx.camera = code;
      fail();
    });
  });
}

/**
 * grab draws the video's current frame, unmirrored, on a canvas whose long
 * side is at most LONG_SIDE.
 */
function grab(video) {
  const vw = video.videoWidth || 640;
  const vh = video.videoHeight || 480;
  const s = Math.min(1, LONG_SIDE / Math.max(vw, vh));
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(vw * s));
  c.height = Math.max(1, Math.round(vh * s));
  const g = c.getContext('2d');
  g.imageSmoothingQuality = 'high';
  g.drawImage(video, 0, 0, c.width, c.height);
  return c;
}

/** encode makes a frame's JPEG: {blob, base64}. */
function encode(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob || blob.type !== 'image/jpeg') {
        reject(new Error('encode'));
        return;
      }
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result);
        resolve({ blob, base64: url.slice(url.indexOf(',') + 1) });
      };
      reader.onerror = () => reject(new Error('encode'));
      reader.readAsDataURL(blob);
    }, 'image/jpeg', QUALITY);
  });
}

/** reviewScreen shows the frames filmed; true to use them, false to film again. */
function reviewScreen(challenge, frames) {
  const urls = frames.map((f) => URL.createObjectURL(f.blob));
  return new Promise((resolve) => {
    const end = (v) => {
      urls.forEach((u) => URL.revokeObjectURL(u));
      resolve(v);
    };
    show('liveness-review',
      h('h1', {}, t('liveness.reviewTitle')),
      h('figure', { class: 'burst' },
        // Mirrored, as the person saw themselves while turning.
        h('div', { class: 'burst-frames' }, urls.map((u) => h('img', { src: u, alt: '', class: 'mirror' }))),
        h('figcaption', {}, t('liveness.reviewCaption', { n: frames.length }))),
      h('p', { class: 'hint' }, t(`liveness.reviewCheck.${challenge.direction}`)),
      h('div', { class: 'actions' },
        button(t('liveness.use'), () => end(true), 'primary'),
        button(t('liveness.again'), () => end(false), 'secondary')));
    announce(t('liveness.filmed'));
  });
}

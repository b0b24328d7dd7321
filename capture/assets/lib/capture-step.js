// A capture step: the camera with a framing guide, feedback on the picture
// as it is framed, automatic capture as the session's settings ask, a
// review before anything is sent, and a file picker whenever the camera
// cannot be used (or the person prefers it).
import { announce, button, h, show } from './dom.js';
import { t } from './i18n.js';
import { CameraError, openCamera, stopCamera } from './camera.js';
import { measure, hasFace } from './quality.js';
import { fromFile, fromVideo, preview, ImageError } from './imaging.js';
import { stepContent } from './step-view.js';

const TICK = 250; // ms between two looks at the video

let fileInputs = 0;

/** the screen's texts for kind: front, back or selfie. */
function texts(ctx, kind) {
  const passport = ctx.documentType === 'ppt_object';
  const base = kind === 'front' && passport ? 'capture.passport' : `capture.${kind}`;
  return {
    title: t(`${base}.title`),
    hint: t(`${base}.hint`),
    what: t(`${base}.what`), // "the front of your document", for alt texts and announcements
  };
}

function events(kind) {
  return kind === 'selfie'
    ? { instruction: 'E_IDV_SELFIEINSTRUCTION', preview: 'E_IDV_SELFIEPREVIEW', capture: 'E_IDV_SELFIECAPTURE' }
    : { instruction: 'E_IDV_DOCUMENTINSTRUCTION', preview: 'E_IDV_DOCUMENTPREVIEW', capture: 'E_IDV_DOCUMENTCAPTURE' };
}

/**
 * captureStep runs one capture step and returns the accepted picture (a
 * canvas). It uses the camera when there is one, and the file picker
 * otherwise.
 */
export async function captureStep(ctx, step, kind) {
  const ev = events(kind);
  ctx.event(ev.instruction, step.name);
  let mode = ctx.camera === 'none' || ctx.camera === 'denied' ? 'file' : 'camera';
  let reason = ctx.camera === 'denied' ? 'denied' : ctx.camera === 'none' ? 'none' : '';
  for (;;) {
    ctx.check();
    const shot = mode === 'camera' ? await cameraScreen(ctx, step, kind) : await fileScreen(ctx, step, kind, reason);
    ctx.check();
    if (shot.switchTo) {
      mode = shot.switchTo;
      reason = shot.reason || '';
      continue;
    }
    ctx.event(ev.preview, step.name);
    const accepted = await reviewScreen(ctx, step, kind, shot);
    ctx.check();
    if (accepted) {
      ctx.event(ev.capture, step.name, true, shot.issues.join(','));
      return shot.canvas;
    }
    if (shot.source === 'file') mode = 'file';
  }
}

function header(ctx, step, kind) {
  const tx = texts(ctx, kind);
  return stepContent(ctx, step, tx.title, [h('p', { class: 'hint' }, tx.hint)]);
}

/** fileScreen offers the file picker; reason says why there is no camera. */
function fileScreen(ctx, step, kind, reason) {
  return new Promise((resolve) => {
    const id = `file-${++fileInputs}`;
    const input = h('input', {
      type: 'file', id, accept: 'image/*', capture: kind === 'selfie' ? 'user' : 'environment',
      class: 'file-input',
    });
    const error = h('p', { class: 'error', hidden: true });
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      error.hidden = true;
      announce(t('capture.reading'));
      try {
        const canvas = await fromFile(file);
        const q = measure(canvas, canvas.width, canvas.height, null, kind === 'selfie' ? 'selfie' : 'document');
        resolve({ canvas, issues: q.issues, source: 'file' });
      } catch (err) {
        const code = err instanceof ImageError ? err.code : 'unreadable';
        error.textContent = t(`image.${code}`);
        error.hidden = false;
        announce(error.textContent, { urgent: true });
        input.value = '';
      }
    });
    const notice = reason ? h('p', { class: 'notice' }, t(`camera.${reason}`)) : null;
    const canRetryCamera = reason !== 'none' && ctx.camera !== 'none';
    show(`capture-file-${kind}`,
      header(ctx, step, kind),
      notice,
      h('div', { class: 'file-pick' },
        input,
        h('label', { for: id, class: 'btn btn-primary file-label' }, t(kind === 'selfie' ? 'file.chooseSelfie' : 'file.choose'))),
      h('p', { class: 'small' }, t('file.help')),
      error,
      canRetryCamera ? h('div', { class: 'actions' },
        button(t('camera.useCamera'), () => resolve({ switchTo: 'camera' }), 'link')) : null,
    );
  });
}

/** geometry of the guide in video pixels, the video being shown object-fit: cover. */
function guideRect(video, guide) {
  const vr = video.getBoundingClientRect();
  const gr = guide.getBoundingClientRect();
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh || !vr.width || !vr.height) return null;
  const scale = Math.max(vr.width / vw, vr.height / vh);
  const offX = (vr.width - vw * scale) / 2;
  const offY = (vr.height - vh * scale) / 2;
  const x = Math.max(0, (gr.left - vr.left - offX) / scale);
  const y = Math.max(0, (gr.top - vr.top - offY) / scale);
  return { x, y, w: Math.min(vw - x, gr.width / scale), h: Math.min(vh - y, gr.height / scale) };
}

/** cameraScreen shows the camera and resolves with a picture, or a switch to files. */
function cameraScreen(ctx, step, kind) {
  return new Promise((resolve) => {
    const selfie = kind === 'selfie';
    const tx = texts(ctx, kind);
    const cfg = ctx.capture;
    const video = h('video', { class: selfie ? 'mirror' : '', muted: true, playsinline: true, autoplay: true, 'aria-hidden': 'true' });
    const guideKind = selfie ? 'face' : ctx.documentType === 'ppt_object' ? 'passport' : 'card';
    const guide = h('div', { class: `guide guide-${guideKind}`, 'aria-hidden': 'true' });
    const count = h('div', { class: 'countdown', 'aria-hidden': 'true', hidden: true });
    // Shown under the picture, not over it; spoken through the live region.
    const status = h('p', { class: 'stage-status', 'aria-hidden': 'true' }, t('camera.starting'));
    const stage = h('div', { class: `stage stage-${selfie ? 'selfie' : 'document'}` }, video, guide, count);
    const shutter = button(t('capture.take'), () => take(), 'primary', { hidden: true });
    const toFiles = button(t('capture.useFile'), () => finish({ switchTo: 'file', reason: '' }), 'link');
    show(`capture-camera-${kind}`, header(ctx, step, kind),
      h('figure', { class: 'stage-wrap', 'aria-label': t('camera.preview', { what: tx.what }) }, stage, status),
      h('div', { class: 'actions' }, shutter, toFiles));

    let done = false;
    let timer = 0;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopCamera();
      resolve(value);
    };
    const take = () => {
      if (done) return;
      let canvas;
      try {
        canvas = fromVideo(video);
      } catch {
        return;
      }
      const q = measure(canvas, canvas.width, canvas.height, null, selfie ? 'selfie' : 'document');
      announce(t('capture.taken'), { force: true });
      finish({ canvas, issues: q.issues, source: 'camera' });
    };

    // What the settings ask. Automatic capture takes the picture after a
    // few good frames and a countdown; autoDetectTimeout seconds without
    // one bring postTimeoutCaptureMode: "manual" adds the button, "auto"
    // takes the picture whatever the frames, "none" keeps waiting. A
    // timeout of 0 means no automatic capture: the button from the start.
    // manualWithFaceDetection (selfies) offers the button, enabled while a
    // face is framed. The file picker stays reachable in every case.
    const manualOnly = selfie && cfg.selfieCaptureMode === 'manualWithFaceDetection';
    const auto = !manualOnly && cfg.autoDetectTimeout !== 0;
    if (!auto) shutter.hidden = false;
    if (manualOnly) shutter.disabled = true;
    let good = 0;
    let countdown = -1; // -1 when not counting
    let shown = -1; // the number last shown and said
    let countStarted = 0;
    let forced = false;
    let timedOut = false;
    let startedAt = 0;

    // The visible status follows every look; the spoken one at most every
    // few seconds (the countdown excepted), so that it stays intelligible.
    let saidAt = 0;
    const say = (key, vars, now = false) => {
      const text = t(key, vars);
      status.textContent = text;
      if (now || Date.now() - saidAt > 2500) {
        saidAt = Date.now();
        announce(text, { force: now });
      }
    };

    const tick = async () => {
      if (done) return;
      if (ctx.ended || !video.isConnected) {
        finish({ switchTo: 'camera' });
        return;
      }
      const region = guideRect(video, guide);
      if (region) {
        if (!startedAt) startedAt = Date.now();
        const q = measure(video, video.videoWidth, video.videoHeight, region, selfie ? 'selfie' : 'document');
        const face = selfie ? await hasFace(video) : true;
        if (done) return;
        const ok = q.issues.length === 0 && face !== false;
        if (manualOnly) shutter.disabled = !ok;

        if (!timedOut && auto && cfg.autoDetectTimeout > 0 && Date.now() - startedAt > cfg.autoDetectTimeout * 1000) {
          timedOut = true;
          if (cfg.postTimeoutCaptureMode === 'manual') {
            shutter.hidden = false;
            announce(t('capture.manualNow'), { force: true });
          } else if (cfg.postTimeoutCaptureMode === 'auto') {
            forced = true;
          }
        }
        if (auto && countdown < 0 && (ok ? ++good >= 2 : forced)) {
          countdown = cfg.countdownSeconds;
          countStarted = Date.now();
        } else if (!ok) {
          good = 0;
          if (countdown >= 0 && !forced) {
            countdown = -1;
            shown = -1;
            count.hidden = true;
          }
        }
        if (countdown >= 0) {
          const left = Math.max(0, cfg.countdownSeconds - Math.floor((Date.now() - countStarted) / 1000));
          if (left === 0) {
            take();
            return;
          }
          if (left !== shown) {
            shown = left;
            if (cfg.countdownVisible) {
              count.textContent = String(left);
              count.hidden = false;
            }
            say('capture.countdown', { n: left }, true);
          }
        } else if (!ok) {
          say(face === false ? 'quality.noFace' : `quality.${q.issues[0]}.live`);
        } else {
          say(manualOnly ? 'capture.readyManual' : 'capture.holdStill');
        }
      }
      timer = setTimeout(tick, TICK);
    };

    openCamera(video, selfie ? 'user' : 'environment').then((stream) => {
      if (done || ctx.ended) {
        stopCamera(stream);
        return;
      }
      ctx.camera = 'available';
      say(selfie ? 'camera.lookSelfie' : 'camera.lookDocument', undefined, true);
      timer = setTimeout(tick, TICK);
    }, (err) => {
      const code = err instanceof CameraError ? err.code : 'other';
      if (code === 'denied' || code === 'none') ctx.camera = code;
      ctx.event(events(kind).capture, step.name, false, `camera_${code}`);
      finish({ switchTo: 'file', reason: code });
    });
  });
}

/** reviewScreen shows the picture and what was noticed; true to use it. */
async function reviewScreen(ctx, step, kind, shot) {
  const tx = texts(ctx, kind);
  const url = await preview(shot.canvas);
  return new Promise((resolve) => {
    const end = (v) => {
      URL.revokeObjectURL(url);
      resolve(v);
    };
    const issues = shot.issues.filter((i) => kind !== 'selfie' || i !== 'far');
    const verdict = issues.length
      ? h('div', { class: 'quality quality-warn' },
        h('p', {}, t('review.issues')),
        h('ul', {}, issues.map((i) => h('li', {}, t(`quality.${i}.review`)))))
      : h('p', { class: 'quality quality-ok' }, t('review.ok'));
    show(`review-${kind}`,
      h('h1', {}, t('review.title')),
      h('img', { class: `review-img${kind === 'selfie' ? ' review-selfie' : ''}`, src: url, alt: t('review.alt', { what: tx.what }) }),
      verdict,
      h('p', { class: 'hint' }, t(kind === 'selfie' ? 'review.checkSelfie' : 'review.checkDocument')),
      h('div', { class: 'actions' },
        button(t('review.use'), () => end(true), 'primary'),
        button(t('review.retake'), () => end(false), 'secondary')),
    );
    const summary = { 0: 'review.ok', 1: 'review.issuesOne' }[issues.length] || 'review.issuesMany';
    announce(t(summary, { n: issues.length }));
  });
}

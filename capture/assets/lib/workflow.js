// The workflow runner: the steps of the session's template in order,
// following their actions. An HTML step shows its page with a button per
// action; a click runs the action's call (decline) and goes to its jumpTo,
// or to the next step when the jumpTo names no step. A capture step moves
// on once its picture is accepted (through its "capture" action, if any).
// After the selfie comes the head movement, when the session's checks ask
// for it (lib/liveness.js). PROCESSING sends everything; a workflow
// without one processes at its end.
// Actions' scripts are never run: a template is content, not code.
import { button, footerShown, h, show } from './dom.js';
import { has, t } from './i18n.js';
import { captureStep } from './capture-step.js';
import { livenessStep } from './liveness.js';
import { processing } from './processing.js';
import { stepContent } from './step-view.js';
import { decline } from './flow.js';

const CAPTURE = { CAPTURE_FRONT: 'front', CAPTURE_BACK: 'back', CAPTURE_SELFIE: 'selfie' };

function skipped(ctx, step) {
  // A passport has no back.
  return step.type === 'CAPTURE_BACK' && ctx.documentType === 'ppt_object';
}

function nextIndex(steps, i, action) {
  if (action && action.jumpTo) {
    const j = steps.findIndex((s) => s && s.name === action.jumpTo);
    if (j >= 0) return j;
  }
  return i + 1;
}

/**
 * runWorkflow runs steps until the session reaches an end screen; from the
 * first capture step when retake is set (a retry after a reload).
 */
export async function runWorkflow(ctx, steps, { retake = false } = {}) {
  const first = steps.findIndex((s) => s && CAPTURE[s.type] && !skipped(ctx, s));
  const restart = first >= 0 ? first : 0;
  let i = retake ? restart : 0;
  for (;;) {
    ctx.check();
    const step = steps[i];
    if (!step || step.type === 'PROCESSING') {
      const r = await processing(ctx, step || null);
      if (r.retry) {
        // A new attempt (or new pictures): a new burst, for the
        // challenge the server holds then (a new one after a retry).
        ctx.captures = {};
        ctx.liveness = null;
        i = restart;
        continue;
      }
      return;
    }
    if (skipped(ctx, step)) {
      i++;
    } else if (step.type === 'HTML') {
      const action = await htmlStep(ctx, step);
      if (action && typeof action.call === 'string' && action.call.toLowerCase() === 'decline') {
        // Declining ends the flow; changing one's mind stays on the step.
        await decline(ctx);
        continue;
      }
      i = nextIndex(steps, i, action);
    } else if (CAPTURE[step.type]) {
      ctx.captures[CAPTURE[step.type]] = await captureStep(ctx, step, CAPTURE[step.type]);
      ctx.check();
      if (step.type === 'CAPTURE_SELFIE') {
        await livenessStep(ctx, step);
        ctx.check();
      }
      const action = (step.actions || []).find((a) => a && a.on === 'capture') || null;
      i = nextIndex(steps, i, action);
    } else {
      i++;
    }
  }
}

function actionLabel(step, a) {
  for (const key of [`step.${step.name}.${a.name}`, `action.${a.name}`]) {
    if (has(key)) return t(key);
  }
  return a.name || t('action.continue');
}

/** htmlStep shows an HTML step and resolves with the action chosen (null: next step). */
function htmlStep(ctx, step) {
  const actions = (step.actions || []).filter((a) => a && (!a.on || a.on === 'click'));
  return new Promise((resolve) => {
    // A step that offers to decline needs no second way to do it.
    const declines = actions.some((a) => typeof a.call === 'string' && a.call.toLowerCase() === 'decline');
    footerShown(!declines);
    const pick = (a) => {
      footerShown(true);
      ctx.event('E_IDV_USER_CONSENT', step.name, !(a && a.call === 'decline'));
      resolve(a || null);
    };
    const box = h('div', { class: 'step-html' });
    const localized = ctx.builtIn && has(`step.${step.name}.title`);
    if (localized) {
      box.append(h('h1', {}, t(`step.${step.name}.title`)));
      for (let n = 1; has(`step.${step.name}.body${n}`); n++) box.append(h('p', {}, t(`step.${step.name}.body${n}`)));
    } else {
      box.append(...stepContent({ ...ctx, builtIn: false }, step, t('page.title'), [], true));
    }
    const wired = new Set();
    if (!localized) {
      box.querySelectorAll('button').forEach((b, n) => {
        const a = actions.find((x) => x.name && x.name === b.dataset.action) || null;
        if (a) wired.add(a);
        b.classList.add('btn', n === 0 ? 'btn-primary' : 'btn-secondary');
        b.addEventListener('click', () => pick(a));
      });
    }
    const extra = actions.filter((a) => !wired.has(a))
      .map((a, n) => button(actionLabel(step, a), () => pick(a), n === 0 && wired.size === 0 ? 'primary' : 'secondary'));
    if (box.querySelectorAll('button').length === 0 && extra.length === 0) {
      extra.push(button(t('action.continue'), () => pick(null), 'primary'));
    }
    show(`step-${step.name}`, box, extra.length ? h('div', { class: 'actions' }, extra) : null);
  });
}


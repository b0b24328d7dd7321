// Continuing on a phone: a computer without a camera (or any computer,
// whose camera is rarely good for documents) shows the session's URL as a
// QR code before anything binds the session to it, then follows the
// session by its status until it ends.
import { announce, button, h, show } from './dom.js';
import { t } from './i18n.js';
import { end, ENDED, fetchStatus, stateOfStatus } from './flow.js';

const POLL = 3000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * offerPhone shows the QR code and resolves "here" when the person chooses
 * to go on with this device, or "phone" once the session was started
 * elsewhere. An ended session shows its end screen (throws ENDED).
 */
export function offerPhone(ctx, noCamera) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (v) => {
      done = true;
      resolve(v);
    };
    show('handoff',
      h('h1', {}, t('handoff.title')),
      h('p', {}, t(noCamera ? 'handoff.noCamera' : 'handoff.body')),
      h('figure', { class: 'qr' },
        h('img', { src: ctx.qrURL, alt: t('handoff.qrAlt'), width: '240', height: '240' }),
        h('figcaption', {}, t('handoff.scan'))),
      h('h2', {}, t('handoff.hereTitle')),
      h('p', {}, t(noCamera ? 'handoff.hereNoCamera' : 'handoff.hereBody')),
      h('div', { class: 'actions' }, button(t('handoff.here'), () => finish('here'), 'secondary')));
    (async () => {
      let wait = POLL;
      while (!done) {
        await sleep(wait);
        if (done) return;
        try {
          const st = await fetchStatus(ctx);
          wait = POLL;
          const state = stateOfStatus(st);
          if (state) {
            done = true;
            end(ctx, state);
            reject(ENDED);
            return;
          }
          if (st.started) finish('phone');
        } catch {
          wait = Math.min(wait * 2, 30000);
        }
      }
    })();
  });
}

/**
 * follow shows that the session goes on on another device and waits for
 * its end. why: "phone" (after the QR code) or "other" (found so).
 */
export async function follow(ctx, why) {
  ctx.ended = true; // this page takes no further part in the session
  const state = h('p', { class: 'follow-state' }, t('follow.waiting'));
  show('follow',
    h('h1', {}, t(why === 'phone' ? 'follow.phoneTitle' : 'follow.otherTitle')),
    h('p', {}, t(why === 'phone' ? 'follow.phoneBody' : 'follow.otherBody')),
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    state);
  announce(t(why === 'phone' ? 'follow.phoneTitle' : 'follow.otherTitle'), { force: true });
  let wait = POLL;
  for (;;) {
    await sleep(wait);
    try {
      const st = await fetchStatus(ctx);
      wait = POLL;
      const s = stateOfStatus(st);
      if (s) {
        end(ctx, s);
        return;
      }
    } catch {
      wait = Math.min(wait * 2, 30000);
    }
  }
}

// Building the page: elements, screens, focus and announcements. Nothing
// here writes HTML as text or sets a style attribute (the CSP forbids
// inline styles); the look is all in capture.css.
import { t } from './i18n.js';

/**
 * h makes an element. attrs: class, text, on<event> handlers, boolean
 * attributes (true/false) and plain attributes; children: nodes or text.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style') throw new Error('inline styles are not allowed');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** button makes a <button type=button>. kind: primary, secondary, link. */
export function button(label, onclick, kind = 'primary', attrs = {}) {
  return h('button', { type: 'button', class: `btn btn-${kind}`, onclick, ...attrs }, label);
}

let ui = null;

/**
 * mount prepares the application's root: a host for screens, an
 * aria-live region for what changes without a new screen, and a footer.
 */
export function mount(root) {
  root.replaceChildren();
  root.removeAttribute('tabindex');
  const screen = h('div', { class: 'screen' });
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const alert = h('div', { class: 'visually-hidden', role: 'alert', 'aria-atomic': 'true' });
  const footer = h('footer', { class: 'app-footer' });
  root.append(screen, live, alert, footer);
  ui = { root, screen, live, alert, footer };
  return ui;
}

/**
 * show replaces the screen with content (name tags the screen, data-screen) and moves focus to its heading (the
 * first h1), so that a screen reader starts reading the new screen and a
 * keyboard user starts from it. The document title follows the heading.
 */
export function show(name, ...content) {
  const { screen } = ui;
  if (ui.locked) return screen;
  screen.dataset.screen = name;
  screen.replaceChildren(...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  const heading = screen.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    document.title = `${heading.textContent.trim()} – ${t('page.title')}`;
    heading.focus({ preventScroll: false });
  }
  window.scrollTo(0, 0);
  return screen;
}

/**
 * showFinal shows a last screen: nothing shown after it replaces it (a
 * step still finishing in the background cannot).
 */
export function showFinal(name, ...content) {
  show(name, ...content);
  ui.locked = true;
  ui.footer.replaceChildren();
}

/** footerShown shows or hides the footer, keeping its content. */
export function footerShown(shown) {
  ui.footer.hidden = !shown;
}

/** footer sets the footer's content (nothing to hide it). */
export function footer(...content) {
  if (ui.locked) return;
  ui.footer.replaceChildren(...content.flat());
}

let lastText = '';
let lastAt = 0;

/**
 * announce tells assistive technology text through the polite live region.
 * The same text is not repeated within a few seconds, so a feedback loop
 * does not chatter.
 */
export function announce(text, { urgent = false, force = false } = {}) {
  const now = Date.now();
  if (!force && text === lastText && now - lastAt < 4000) return;
  lastText = text;
  lastAt = now;
  const region = urgent ? ui.alert : ui.live;
  region.textContent = '';
  // A change after clearing is what screen readers pick up.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

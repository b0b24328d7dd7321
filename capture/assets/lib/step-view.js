// The content of a step's screen: the template's own page, made safe, or,
// for the built-in workflow, the catalogue's text in the page's language.
import { h } from './dom.js';
import { decodeHTML, sanitize } from './sanitize.js';

/**
 * stepContent returns the nodes heading a step's screen. A community's
 * page is shown as written (sanitised) and its first h1 is the screen's
 * heading; the built-in workflow's pages are English only, so its screens
 * use title and extra, from the catalogue, instead. Buttons of the page
 * are dropped unless keepButtons: only HTML steps act on them.
 */
export function stepContent(ctx, step, title, extra = [], keepButtons = false) {
  if (ctx.builtIn || !step || !step.html) return [h('h1', {}, title), ...extra];
  const frag = sanitize(decodeHTML(step.html));
  if (!keepButtons) frag.querySelectorAll('button').forEach((b) => b.remove());
  const box = h('div', { class: 'tpl' }, frag);
  const headings = box.querySelectorAll('h1');
  headings.forEach((el, i) => {
    if (i > 0) {
      const h2 = h('h2', {}, ...el.childNodes);
      h2.className = el.className;
      el.replaceWith(h2);
    }
  });
  if (headings.length === 0) return [h('h1', {}, title), box];
  // The page's heading, moved first, is the heading that takes focus.
  return [box];
}

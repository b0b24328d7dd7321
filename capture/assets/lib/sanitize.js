// A template's pages are written by a community's administrators, not by
// this server: they are shown as content, never as code. The page is
// parsed without running anything (DOMParser) and rebuilt element by
// element from an allow-list: no script, no style, no event handler, no
// frame or form, no id (which could shadow the application's own), links
// only to web, mail and telephone addresses, images only inline (data:).
// The CSP forbids inline script and style on top of that.

const KEEP = new Set([
  'A', 'ABBR', 'ARTICLE', 'ASIDE', 'B', 'BLOCKQUOTE', 'BR', 'BUTTON', 'CAPTION', 'CITE', 'CODE', 'DD',
  'DEL', 'DETAILS', 'DFN', 'DIV', 'DL', 'DT', 'EM', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2', 'H3',
  'H4', 'H5', 'H6', 'HEADER', 'HR', 'I', 'IMG', 'INS', 'KBD', 'LI', 'MARK', 'OL', 'P', 'PRE', 'Q', 'S',
  'SECTION', 'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUMMARY', 'SUP', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH',
  'THEAD', 'TIME', 'TR', 'U', 'UL',
]);

// Dropped with everything inside them.
const DROP = new Set([
  'SCRIPT', 'STYLE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'TEMPLATE', 'NOSCRIPT',
  'SVG', 'MATH', 'LINK', 'META', 'BASE', 'TITLE', 'HEAD', 'AUDIO', 'VIDEO', 'SOURCE', 'TRACK', 'CANVAS',
  'INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'PORTAL', 'DIALOG',
]);

const GLOBAL_ATTRS = new Set(['class', 'title', 'lang', 'dir', 'data-action', 'aria-label', 'aria-hidden', 'role']);
const ATTRS = {
  A: new Set(['href']),
  IMG: new Set(['src', 'alt', 'width', 'height']),
  TD: new Set(['colspan', 'rowspan', 'headers']),
  TH: new Set(['colspan', 'rowspan', 'scope']),
  OL: new Set(['start', 'reversed', 'type']),
  TIME: new Set(['datetime']),
};

const ROLES = new Set(['note', 'list', 'listitem', 'group', 'presentation', 'none']);

function safeHref(v) {
  try {
    const u = new URL(v, location.href);
    return ['https:', 'mailto:', 'tel:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function safeSrc(v) {
  return /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(v) ? v : null;
}

// Even an inert parse applies inline styles and handlers' attributes,
// which the CSP refuses and reports. They are dropped from the text first
// so that a template written with them shows no such errors; what makes
// the page safe is the allow-list above, not this pass.
function strip(html) {
  return String(html || '')
    .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<[a-z][^>]*>/gi, (tag) => tag.replace(/\s(?:style|on[a-z]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, ''));
}

function clean(node, doc) {
  if (node.nodeType === Node.TEXT_NODE) return doc.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toUpperCase();
  if (DROP.has(tag)) return null;
  const children = Array.from(node.childNodes, (c) => clean(c, doc)).filter(Boolean);
  if (!KEEP.has(tag)) {
    // Unknown or container-only elements (form, main, body…): keep the content.
    const frag = doc.createDocumentFragment();
    frag.append(...children);
    return frag;
  }
  const el = doc.createElement(tag.toLowerCase());
  const allowed = ATTRS[tag] || new Set();
  for (const { name, value } of Array.from(node.attributes)) {
    const n = name.toLowerCase();
    if (!GLOBAL_ATTRS.has(n) && !allowed.has(n)) continue;
    if (n === 'role' && !ROLES.has(value)) continue;
    if (n === 'href') {
      const href = safeHref(value);
      if (!href) continue;
      el.setAttribute('href', href);
      el.setAttribute('rel', 'noopener noreferrer');
      el.setAttribute('target', '_blank');
      continue;
    }
    if (n === 'src') {
      const src = safeSrc(value);
      if (src) el.setAttribute('src', src);
      continue;
    }
    el.setAttribute(n, value.slice(0, 500));
  }
  if (tag === 'BUTTON') el.setAttribute('type', 'button');
  if (tag === 'IMG' && !el.hasAttribute('src')) return null;
  if (tag === 'IMG' && !el.hasAttribute('alt')) el.setAttribute('alt', '');
  el.append(...children);
  return el;
}

/** decodeHTML reads a step's html: base64 of UTF-8, or the page itself. */
export function decodeHTML(value) {
  if (!value) return '';
  try {
    if (/^[A-Za-z0-9+/=\s]+$/.test(value)) {
      const bin = atob(value.replace(/\s+/g, ''));
      const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
  } catch {
    // Not base64 of UTF-8 text: the page as it was written.
  }
  return value;
}

/** sanitize turns html into a fragment of safe elements of this document. */
export function sanitize(html) {
  const parsed = new DOMParser().parseFromString(strip(html), 'text/html');
  const frag = document.createDocumentFragment();
  for (const c of Array.from(parsed.body.childNodes)) {
    const n = clean(c, document);
    if (n) frag.append(n);
  }
  return frag;
}

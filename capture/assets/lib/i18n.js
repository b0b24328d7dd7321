// The page's strings: one catalogue per language, fetched from the URL the
// server put in the page (the same catalogue the server's own pages use).

let strings = {};

/** load fetches the catalogue. */
export async function load(url) {
  const resp = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!resp.ok) throw new Error(`catalogue: HTTP ${resp.status}`);
  strings = await resp.json();
}

/**
 * t returns the text of key with {name} placeholders filled from vars. A
 * missing key shows as itself, so that it is noticed rather than blank.
 */
export function t(key, vars) {
  const s = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** has reports whether the catalogue has key. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(strings, key);
}

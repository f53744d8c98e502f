/**
 * Provider HTML (consent texts and option labels) made safe to show: parsed in an inert
 * document (nothing loads, nothing runs), then rebuilt from an allowlist of formatting
 * elements. Every attribute is dropped except an http(s) link's href; scripts, styles,
 * frames, forms, media and SVG go with their content; any other element is unwrapped to its
 * children. The result is a DocumentFragment of this page's own nodes.
 */

const KEEP = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'P', 'BR', 'UL', 'OL', 'LI', 'SPAN', 'SMALL', 'A']);
const DROP = new Set([
  'SCRIPT', 'STYLE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'SVG', 'MATH', 'TEMPLATE', 'NOSCRIPT',
  'FORM', 'INPUT', 'BUTTON', 'TEXTAREA', 'SELECT', 'OPTION', 'IMG', 'PICTURE', 'VIDEO', 'AUDIO', 'SOURCE', 'TRACK',
  'LINK', 'META', 'BASE', 'TITLE', 'HEAD',
]);

function safeHref(value) {
  try {
    const url = new URL(value, 'https://invalid.example/');
    return url.protocol === 'https:' || url.protocol === 'http:' ? (url.origin === 'https://invalid.example' ? null : url.href) : null;
  } catch {
    return null;
  }
}

function copy(node, into, depth) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.append(document.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE || depth > 20) continue;
    const tag = child.tagName.toUpperCase();
    if (DROP.has(tag)) continue;
    if (!KEEP.has(tag)) {
      copy(child, into, depth + 1);
      continue;
    }
    const element = document.createElement(tag.toLowerCase());
    if (tag === 'A') {
      const href = safeHref(child.getAttribute('href') ?? '');
      if (href) {
        element.setAttribute('href', href);
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
      }
    }
    copy(child, element, depth + 1);
    into.append(element);
  }
}

/** Provider HTML → a safe DocumentFragment. */
export function sanitizeHtml(html) {
  // DOMParser documents are inert: scripts do not run, images do not load, handlers never fire.
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${String(html)}`, 'text/html');
  const fragment = document.createDocumentFragment();
  copy(parsed.body, fragment, 0);
  return fragment;
}

/**
 * Sanitized markdown for model output (untrusted text).
 *
 * Two layers: markdown-it with `html: false` (markup in the text is escaped and shown as text),
 * then DOMPurify on the produced HTML with a short allow-list (no images, no scripts, no `style`
 * attributes, which the nonce CSP would refuse anyway, no ids). Links are not navigable: they
 * render as text with the target in the tooltip (a click in a webview would leave the page or
 * ask the host to open it, and a model's link is not something to follow blindly).
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
const escapeHtml = md.utils.escapeHtml;

md.renderer.rules.link_open = (tokens, idx) => {
  const href = String(tokens[idx]!.attrGet('href') ?? '');
  return `<span class="md-link" title="${escapeHtml(href)}">`;
};
md.renderer.rules.link_close = () => '</span>';
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const src = String(token.attrGet('src') ?? '');
  return `<span class="md-image" title="${escapeHtml(src)}">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`;
};

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
];
const ALLOWED_ATTR = ['class', 'title', 'start'];

const cache = new Map<string, string>();
const CACHE_ENTRIES = 200;

/** Markdown → sanitized HTML (a string for lit's `unsafeHTML`; safe by construction). */
export function renderMarkdown(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const raw = md.render(text);
  const clean = DOMPurify.sanitize(raw, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  });
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(text, clean);
  return clean;
}

/** URL helpers for forwarding targets (pure). */

/**
 * The URL that `/v1/<signal>` is appended to: a trailing `/v1/<signal>` (a signal-specific URL
 * such as `PHOENIX_COLLECTOR_ENDPOINT=http://host:6006/v1/traces`) is removed, and the preset's
 * base path is added unless the URL already ends with it. Throws for a non-http(s) URL.
 */
export function otlpRoot(base: string, basePath: string): URL {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  let path = url.pathname.replace(/\/+$/, '').replace(/\/v1\/(traces|logs|metrics)$/, '');
  if (basePath && !path.endsWith(basePath)) path += basePath;
  url.pathname = path || '/';
  url.hash = '';
  return url;
}

/** Origin and path of a URL, for logs and the UI: no user info, no query (either may hold a token). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0|\[::\])$/i;

/** `true` when `url` is a loopback address on one of `ports` (Trace Lens's own receivers). */
export function isOwnReceiver(url: URL, ports: readonly number[]): boolean {
  if (!LOOPBACK.test(url.hostname)) return false;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return ports.includes(port);
}

/** Helpers shared by the MCP server tests. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it; the listener is closed again). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A temporary home folder holding `secret` as the window secret (`.trace-lens/window-channel-2.secret`,
 * folder 0700, file 0600: what src/core/receiver/windowSecret.ts accepts). A server started with
 * HOME/USERPROFILE pointing here reads it, as it would read the real user's.
 */
export function homeWithSecret(secret: string = randomBytes(32).toString('hex')): string {
  const home = mkdtempSync(join(tmpdir(), 'trace-lens-mcp-home-'));
  mkdirSync(join(home, '.trace-lens'), { mode: 0o700 });
  writeFileSync(join(home, '.trace-lens', 'window-channel-2.secret'), secret, { mode: 0o600 });
  return home;
}

/** This process's environment without unset values, `TRACE_LENS_PORT` left out, HOME/USERPROFILE set to `home`. */
export function serverEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TRACE_LENS_PORT') env[k] = v;
  return { ...env, HOME: home, USERPROFILE: home };
}

/**
 * The per-user secret of the window query channel (./windowChannel.ts):
 * `~/.trace-lens/window-channel.secret`, directory 0700, file 0600, 32 random bytes as hex,
 * created by the first window that needs it. Every window of the same user (any VS Code profile or
 * build) reads the same file; other local users cannot.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the secret lives: `~/.trace-lens/window-channel.secret`. */
export function secretPath(): string {
  return join(homedir(), '.trace-lens', 'window-channel.secret');
}

/**
 * Reads the secret, creating it (exclusively, mode 0600) when missing; two windows racing read
 * the same winner. `undefined` when the file can be neither read nor created (read-only home):
 * the channel is then off and windows do not share traces.
 */
export function readOrCreateSecret(path = secretPath()): string | undefined {
  const read = (): string | undefined => {
    try {
      return readFileSync(path, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600);
  } catch {
    // EEXIST: another window created it at the same moment. Anything else: read() says.
  }
  return read();
}

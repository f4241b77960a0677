/**
 * The per-user secret of the window query channel (./windowChannel.ts):
 * `~/.trace-lens/window-channel-2.secret`, folder 0700, file 0600, 32 random bytes as 64 hex
 * digits, created by the first window that needs it. Every window of the same user (any VS Code
 * profile or build) reads the same file; other local users cannot.
 *
 * The secret is only ever a MAC key: it never crosses the wire (channel protocol 2). It lives in a
 * new file, not protocol 1's `window-channel.secret`, because protocol 1 sent that one as a
 * Bearer token to whatever answered on the port, so it may be known to another local user.
 *
 * A secret others could read or replace is no secret: a file that is not a plain file owned by
 * this user with no group/other permission bits (mode 0600 or stricter), or a folder that is not
 * owned by this user at 0700 or stricter, is refused with the reason (the window channel is then
 * off: windows do not share traces). On Windows POSIX modes and uids do not exist; the file lives
 * in the user's profile, protected by its ACL, and only the content is checked.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the secret lives: `~/.trace-lens/window-channel-2.secret`. */
export function secretPath(): string {
  return join(homedir(), '.trace-lens', 'window-channel-2.secret');
}

/** The secret, or why it cannot be used (a sentence naming the path and what to do). */
export type SecretLoad = { ok: true; secret: string } | { ok: false; reason: string };

/** What the file holds: 32 random bytes as lowercase hex. */
const SECRET_PATTERN = /^[0-9a-f]{64}$/;
/** Modes and owners are POSIX; on Windows the profile's ACL protects the file. */
const POSIX = process.platform !== 'win32';
/** Permission bits no one but the owner may have on the file (0600 at most) or the folder (0700 at most). */
const GROUP_AND_OTHER_BITS = 0o077;

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Why `st` (the file or its folder) must not be trusted, or `undefined`. */
function ownershipProblem(st: Stats, what: string, path: string, strictest: number, fix: string): string | undefined {
  if (!POSIX) return undefined;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${what} ${path} belongs to uid ${st.uid}, not to this user (uid ${uid}); ${fix}`;
  if ((st.mode & GROUP_AND_OTHER_BITS) !== 0) {
    return `${what} ${path} has mode ${octal(st.mode)}, so other users could read or replace it; Trace Lens uses it only at mode ${octal(strictest)} or stricter (${fix})`;
  }
  return undefined;
}

/** Reads an existing secret file without following links; `missing` when there is none. */
function readExisting(path: string): SecretLoad | 'missing' {
  const renew = 'delete the file: Trace Lens creates a new one';
  try {
    if (lstatSync(path).isSymbolicLink()) return { ok: false, reason: `window secret ${path} is a symbolic link; Trace Lens only uses a plain file (${renew})` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return { ok: false, reason: `cannot read window secret ${path}: ${message(error)}` };
  }
  let fd: number;
  try {
    // O_NOFOLLOW: a link put there after the check above is refused too (ELOOP).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return { ok: false, reason: `cannot read window secret ${path}: ${message(error)}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: `window secret ${path} is not a plain file (${renew})` };
    const problem = ownershipProblem(st, 'window secret', path, 0o600, renew);
    if (problem) return { ok: false, reason: problem };
    const secret = readFileSync(fd, 'utf8').trim();
    if (!SECRET_PATTERN.test(secret)) return { ok: false, reason: `window secret ${path} does not hold 64 hex digits (${renew})` };
    return { ok: true, secret };
  } catch (error) {
    return { ok: false, reason: `cannot read window secret ${path}: ${message(error)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the secret at `path`, creating it (exclusively, mode 0600, in a 0700 folder) when missing;
 * two windows racing read the same winner. Refuses, with the reason, a file or folder other users
 * could read or replace (see the file comment), a link, or content that is not 64 hex digits, and
 * a home where the file can be neither read nor created (read-only home).
 */
export function loadSecret(path = secretPath()): SecretLoad {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return { ok: false, reason: `cannot create the window secret folder ${dir}: ${message(error)}` };
  }
  let dirStat: Stats;
  try {
    dirStat = statSync(dir);
  } catch (error) {
    return { ok: false, reason: `cannot read the window secret folder ${dir}: ${message(error)}` };
  }
  const dirProblem = ownershipProblem(dirStat, 'window secret folder', dir, 0o700, `run chmod 700 ${dir}, or delete the folder: Trace Lens creates a new one`);
  if (dirProblem) return { ok: false, reason: dirProblem };

  const existing = readExisting(path);
  if (existing !== 'missing') return existing;
  try {
    writeFileSync(path, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // EEXIST: another window created it at the same moment; read it below.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, reason: `cannot create window secret ${path}: ${message(error)}` };
  }
  const created = readExisting(path);
  return created === 'missing' ? { ok: false, reason: `window secret ${path} vanished while it was created` } : created;
}

/**
 * `loadSecret` for callers that only need the value: the secret, or `undefined` after telling
 * `onRefused` why (the window channel is then off and windows do not share traces).
 */
export function readOrCreateSecret(path = secretPath(), onRefused?: (reason: string) => void): string | undefined {
  const result = loadSecret(path);
  if (result.ok) return result.secret;
  onRefused?.(result.reason);
  return undefined;
}

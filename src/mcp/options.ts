/**
 * Command line of the Trace Lens MCP server (`node dist/mcp.js [options]`):
 *
 * - `--port N`: the OTLP/HTTP port of the VS Code window that owns the Trace Lens receiver (its
 *   window channel answers there); else the `TRACE_LENS_PORT` environment variable; else 4318,
 *   the OTLP/HTTP default port (OTLP exporter specification, "Endpoint URLs for OTLP/HTTP").
 * - `--include-content true|false`: give agents message content (prompts, completions, tool
 *   arguments and results); default true, as the `traceLens.agents.includeContent` setting.
 * - `--budget N`: the most characters one tool answer may hold (longer text is folded with
 *   "…N more characters"); default `DEFAULT_BUDGET_CHARS`.
 * - `--redact PATTERN` (repeatable): a JavaScript regular expression; every match in the text
 *   given to agents becomes `[REDACTED]` (as `traceLens.agents.redactionPatterns`).
 * - `--workspace DIR` (repeatable): folders in which source paths of stack frames and `code.*`
 *   attributes are looked up; default the working directory.
 * - `--help`, `--version`.
 *
 * `--name=value` is accepted as well as `--name value`.
 */

import { compileRedactionPatterns } from '../core/forwarding/redaction';
import { MIN_BUDGET_CHARS } from '../core/agents/text';

export { MIN_BUDGET_CHARS };

/** OTLP/HTTP default port (OTLP specification), the receiver's default `traceLens.receiver.port`. */
export const DEFAULT_PORT = 4318;

/** Default budget of one answer, in characters (about 6k tokens), when `--budget` is not given. */
export const DEFAULT_BUDGET_CHARS = 24_000;

/** What the server runs with. */
export interface McpServerOptions {
  /** TCP port on 127.0.0.1 of the owner's OTLP/HTTP receiver. */
  port: number;
  includeContent: boolean;
  /** Characters per tool answer. */
  budgetChars: number;
  /** Absolute folders for source lookup (at least one). */
  workspaceFolders: string[];
  /** Redaction patterns (valid regular expression sources, compiled with `g`). */
  redactionPatterns: RegExp[];
}

/** Parsed command line: options, a request for help/version, or an error sentence. */
export type ParsedOptions = { kind: 'run'; options: McpServerOptions } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** Usage text printed by `--help` (to stderr: stdout is the protocol). */
export const USAGE = `Trace Lens MCP server (stdio): lets coding agents read the traces of the VS Code window that owns the Trace Lens receiver.

Usage: node dist/mcp.js [--port N] [--include-content true|false] [--budget N] [--redact PATTERN]... [--workspace DIR]...

  --port N               OTLP/HTTP port of the Trace Lens window (default: $TRACE_LENS_PORT, else ${DEFAULT_PORT})
  --include-content B    give agents prompts, completions and tool arguments/results (default true)
  --budget N             most characters per tool answer (default ${DEFAULT_BUDGET_CHARS}, at least ${MIN_BUDGET_CHARS})
  --redact PATTERN       regular expression whose matches are replaced by [REDACTED] (repeatable)
  --workspace DIR        folder in which source paths are looked up (repeatable; default: the working directory)

Run it as the same OS user as VS Code: it reads that user's window secret (~/.trace-lens/window-channel-2.secret).`;

function parsePort(text: string, from: string): number | string {
  const n = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isInteger(n) && n >= 1 && n <= 65_535 ? n : `${from} must be a TCP port between 1 and 65535, got ${JSON.stringify(text)}`;
}

/**
 * Parses `argv` (the arguments after the script) and `env`. `cwd` is the default workspace folder;
 * relative `--workspace` folders are taken against it. Never throws: a bad value is an `error`
 * naming the option and the value.
 */
export function parseMcpOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string, resolvePath: (base: string, p: string) => string): ParsedOptions {
  let port: number | undefined;
  let includeContent = true;
  let budgetChars = DEFAULT_BUDGET_CHARS;
  const workspaceFolders: string[] = [];
  const redactionPatterns: RegExp[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--port', '--include-content', '--budget', '--redact', '--workspace'].includes(name)) return { kind: 'error', message: `unknown option ${JSON.stringify(arg)} (see --help)` };
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined) return { kind: 'error', message: `${name} needs a value (see --help)` };
      i++;
    }
    switch (name) {
      case '--port': {
        const p = parsePort(value, '--port');
        if (typeof p === 'string') return { kind: 'error', message: p };
        port = p;
        break;
      }
      case '--include-content':
        if (value !== 'true' && value !== 'false') return { kind: 'error', message: `--include-content must be true or false, got ${JSON.stringify(value)}` };
        includeContent = value === 'true';
        break;
      case '--budget': {
        const n = Number(value);
        if (!/^\d+$/.test(value.trim()) || n < MIN_BUDGET_CHARS) return { kind: 'error', message: `--budget must be a whole number of characters, at least ${MIN_BUDGET_CHARS}, got ${JSON.stringify(value)}` };
        budgetChars = n;
        break;
      }
      case '--redact': {
        const compiled = compileRedactionPatterns([value]);
        if (compiled.invalid.length > 0) return { kind: 'error', message: `--redact needs a JavaScript regular expression, got ${JSON.stringify(value)}` };
        redactionPatterns.push(...compiled.regexes);
        break;
      }
      case '--workspace':
        if (value.trim() === '') return { kind: 'error', message: '--workspace needs a folder' };
        workspaceFolders.push(resolvePath(cwd, value));
        break;
    }
  }
  if (port === undefined) {
    const fromEnv = env.TRACE_LENS_PORT;
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      const p = parsePort(fromEnv, 'TRACE_LENS_PORT');
      if (typeof p === 'string') return { kind: 'error', message: p };
      port = p;
    } else port = DEFAULT_PORT;
  }
  if (workspaceFolders.length === 0) workspaceFolders.push(cwd);
  return { kind: 'run', options: { port, includeContent, budgetChars, workspaceFolders, redactionPatterns } };
}

/**
 * Entry of `dist/mcp.js`, the Trace Lens MCP server over stdio (JSON-RPC messages on stdin/stdout,
 * MCP "stdio" transport): `node dist/mcp.js [--port N] [--include-content true|false] [--budget N]
 * [--redact PATTERN]... [--workspace DIR]...` (options.ts). Pure Node, no `vscode`: Claude Code,
 * Cursor, VS Code (through the extension's MCP server definition provider) and any other MCP
 * client start it.
 *
 * It holds no traces: every call reads the store of the VS Code window that owns the Trace Lens
 * receiver on 127.0.0.1:<port>, through the window channel (ownerLink.ts). It starts and keeps
 * running without any window; tools then answer with an error sentence saying what to do.
 *
 * stdout carries only the protocol; every log line goes to stderr (the MCP clients show it in
 * their server log). Uncaught errors are logged, never fatal; the process ends when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { redactMatches } from '../core/forwarding/redaction';
import { createTraceLensMcpServer } from './mcpServer';
import { OwnerLink } from './ownerLink';
import { USAGE, parseMcpOptions } from './options';
import { createSourceLookup } from './sourceLookup';

const log = (line: string): void => {
  process.stderr.write(`[trace-lens mcp] ${line}\n`);
};

/** The extension's version from the `package.json` next to `dist/` (the packaged extension has it). */
function extensionVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<void> {
  const parsed = parseMcpOptions(process.argv.slice(2), process.env, process.cwd(), resolve);
  switch (parsed.kind) {
    case 'help':
      process.stderr.write(`${USAGE}\n`);
      return;
    case 'version':
      process.stderr.write(`${extensionVersion()}\n`);
      return;
    case 'error':
      log(parsed.message);
      process.exitCode = 2;
      return;
    case 'run':
      break;
  }
  const { options } = parsed;
  process.on('uncaughtException', (error) => log(`uncaught: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

  const link = new OwnerLink({ port: options.port, log });
  const server = createTraceLensMcpServer({
    link,
    version: extensionVersion(),
    includeContent: options.includeContent,
    budgetChars: options.budgetChars,
    resolveSource: createSourceLookup(options.workspaceFolders),
    ...(options.redactionPatterns.length > 0 ? { redact: (text: string) => redactMatches(text, options.redactionPatterns) } : {}),
    log,
  });
  const transport = new StdioServerTransport();
  // The client closing stdin is the end of the session.
  process.stdin.once('end', () => void server.close().finally(() => process.exit(0)));
  await server.connect(transport);
  log(`serving the Trace Lens window on 127.0.0.1:${options.port} (content ${options.includeContent ? 'included' : 'withheld'}, ${options.redactionPatterns.length} redaction patterns, ${options.budgetChars} characters per answer)`);
}

main().catch((error: unknown) => {
  log(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

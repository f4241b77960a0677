/**
 * The MCP server's command line (src/mcp/options.ts) and what Copy MCP Server Configuration
 * copies (src/extension/mcp/mcpConfigText.ts): the formats each client documents (Claude Code's
 * `claude mcp add <name> -- <command> <args…>`, Cursor's `mcpServers`, VS Code's `servers` with
 * `type: "stdio"`), and that the copied Cursor entry really launches a working server.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { homeWithSecret, serverEnv, unusedPort } from './support';
import { mcpClientConfigs, mcpServerArgs } from '../../../src/extension/mcp/mcpConfigText';
import { DEFAULT_BUDGET_CHARS, parseMcpOptions } from '../../../src/mcp/options';

const SCRIPT = join(__dirname, '..', '..', '..', 'dist', 'mcp.js');
const parse = (argv: string[], env: Record<string, string> = {}) => parseMcpOptions(argv, env, '/home/dev/project', resolve);

describe('MCP server options', () => {
  it('defaults: port 4318 (OTLP/HTTP), content included, the default budget, the working directory', () => {
    expect(parse([])).toEqual({ kind: 'run', options: { port: 4318, includeContent: true, budgetChars: DEFAULT_BUDGET_CHARS, workspaceFolders: ['/home/dev/project'], redactionPatterns: [] } });
  });

  it('--port wins over TRACE_LENS_PORT, which wins over 4318; both forms of an option', () => {
    expect(parse([], { TRACE_LENS_PORT: '4400' })).toMatchObject({ options: { port: 4400 } });
    expect(parse(['--port', '4500'], { TRACE_LENS_PORT: '4400' })).toMatchObject({ options: { port: 4500 } });
    expect(parse(['--port=4600'])).toMatchObject({ options: { port: 4600 } });
    expect(parse(['--include-content', 'false', '--budget=5000', '--workspace', 'sub', '--workspace', '/abs'])).toMatchObject({
      options: { includeContent: false, budgetChars: 5000, workspaceFolders: ['/home/dev/project/sub', '/abs'] },
    });
    const redacting = parse(['--redact', 'sk-[A-Za-z0-9]+']);
    expect(redacting.kind === 'run' && redacting.options.redactionPatterns.map((r) => r.source)).toEqual(['sk-[A-Za-z0-9]+']);
  });

  it('refuses bad values with a sentence naming the option', () => {
    expect(parse(['--port', '70000'])).toEqual({ kind: 'error', message: '--port must be a TCP port between 1 and 65535, got "70000"' });
    expect(parse([], { TRACE_LENS_PORT: 'abc' })).toMatchObject({ kind: 'error', message: expect.stringContaining('TRACE_LENS_PORT') });
    expect(parse(['--include-content', 'no'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--include-content must be true or false') });
    expect(parse(['--budget', '10'])).toMatchObject({ kind: 'error', message: expect.stringContaining('at least 1000') });
    expect(parse(['--redact', '('])).toMatchObject({ kind: 'error', message: expect.stringContaining('--redact') });
    expect(parse(['--port'])).toMatchObject({ kind: 'error', message: '--port needs a value (see --help)' });
    expect(parse(['--verbose'])).toMatchObject({ kind: 'error', message: expect.stringContaining('unknown option') });
    expect(parse(['--help'])).toEqual({ kind: 'help' });
  });
});

describe('Copy MCP Server Configuration', () => {
  const script = '/home/dev/.vscode/extensions/trace-lens.trace-lens-0.1.0/dist/mcp.js';

  it('Claude Code: claude mcp add trace-lens -- node "<script>" --port N', () => {
    const claude = mcpClientConfigs(script, { port: 4318 }).find((c) => c.id === 'claudeCode')!;
    expect(claude.text).toBe(`claude mcp add trace-lens -- node "${script}" --port 4318`);
  });

  it('Cursor, VS Code and other clients: JSON with the absolute script path and the port', () => {
    const configs = mcpClientConfigs(script, { port: 4321 });
    const entry = { command: 'node', args: [script, '--port', '4321'] };
    expect(JSON.parse(configs.find((c) => c.id === 'cursor')!.text)).toEqual({ mcpServers: { 'trace-lens': entry } });
    expect(JSON.parse(configs.find((c) => c.id === 'vscode')!.text)).toEqual({ servers: { 'trace-lens': { type: 'stdio', ...entry } } });
    expect(JSON.parse(configs.find((c) => c.id === 'generic')!.text)).toEqual({ mcpServers: { 'trace-lens': entry } });
  });

  it('carries the agent settings as options; a Windows path stays valid JSON and one shell word', () => {
    const options = { port: 4318, includeContent: false, budgetChars: 8000, redactionPatterns: ['sk-[a-z]+'] };
    expect(mcpServerArgs(options)).toEqual(['--port', '4318', '--include-content', 'false', '--budget', '8000', '--redact', 'sk-[a-z]+']);
    const win = 'C:\\Users\\Dev Name\\.vscode\\extensions\\trace-lens\\dist\\mcp.js';
    const configs = mcpClientConfigs(win, options);
    expect(JSON.parse(configs.find((c) => c.id === 'cursor')!.text).mcpServers['trace-lens'].args[0]).toBe(win);
    expect(configs.find((c) => c.id === 'claudeCode')!.text).toBe(`claude mcp add trace-lens -- node "${win}" --port 4318 --include-content false --budget 8000 --redact "sk-[a-z]+"`);
  });

  it('the copied Cursor entry launches a working server (node from the PATH)', async () => {
    const port = await unusedPort();
    const { command, args } = JSON.parse(mcpClientConfigs(SCRIPT, { port }).find((c) => c.id === 'cursor')!.text).mcpServers['trace-lens'] as { command: string; args: string[] };
    const home = homeWithSecret();
    const client = new Client({ name: 'config-test', version: '1.0.0' });
    try {
      await client.connect(new StdioClientTransport({ command, args, env: serverEnv(home), stderr: 'ignore' }));
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const result = (await client.callTool({ name: 'list_traces', arguments: {} })) as { content: { text: string }[]; isError?: boolean };
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toContain(`127.0.0.1:${port}`);
    } finally {
      await client.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});

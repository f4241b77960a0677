/**
 * What **Trace Lens: Copy MCP Server Configuration** copies, and the arguments of the MCP server
 * definition VS Code launches: the stdio command `node <this installation>/dist/mcp.js --port N`
 * (src/mcp/options.ts) written the way each MCP client takes it. No `vscode` import (unit-tested).
 *
 * Formats, from each client's documentation:
 * - Claude Code: `claude mcp add <name> -- <command> [args...]` (everything after `--` is the
 *   server's command line);
 * - Cursor: `.cursor/mcp.json` (project) or `~/.cursor/mcp.json`, `{ "mcpServers": { name: {
 *   "command", "args" } } }`;
 * - VS Code: `.vscode/mcp.json`, `{ "servers": { name: { "type": "stdio", "command", "args" } } }`;
 * - any other client (Claude Desktop, Windsurf, …): the common `mcpServers` form.
 */

/** Name the server is registered under in every client. */
export const MCP_SERVER_NAME = 'trace-lens';

/** What the server command line carries besides the script. */
export interface McpLaunchOptions {
  /** OTLP/HTTP port of the window that owns the receiver. */
  port: number;
  /** `traceLens.agents.includeContent`; `--include-content false` is passed only when false. */
  includeContent?: boolean;
  /** `traceLens.agents.outputBudgetCharacters`; `--budget` is passed only when set. */
  budgetChars?: number;
  /** `traceLens.agents.redactionPatterns`; one `--redact` each. */
  redactionPatterns?: readonly string[];
}

/** Arguments after the script path: `--port N` [`--include-content false`] [`--budget N`] [`--redact P`]…. */
export function mcpServerArgs(options: McpLaunchOptions): string[] {
  const args = ['--port', String(options.port)];
  if (options.includeContent === false) args.push('--include-content', 'false');
  if (options.budgetChars !== undefined) args.push('--budget', String(options.budgetChars));
  for (const pattern of options.redactionPatterns ?? []) args.push('--redact', pattern);
  return args;
}

/** One client's configuration, as the quick pick offers it. */
export interface McpClientConfig {
  id: 'claudeCode' | 'cursor' | 'vscode' | 'generic';
  label: string;
  /** Where the text goes. */
  description: string;
  /** Exactly what is copied. */
  text: string;
  /** What to do with it (a sentence). */
  hint: string;
}

/** A command-line word for POSIX shells, PowerShell and cmd alike: double-quoted when it holds a space or a quote-worthy character. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * The configurations of every client for the server at `mcpScript` (absolute path of
 * `dist/mcp.js`), run with `node` from the PATH (Node.js 20 or later).
 */
export function mcpClientConfigs(mcpScript: string, options: McpLaunchOptions): McpClientConfig[] {
  const args = [mcpScript, ...mcpServerArgs(options)];
  const json = (value: unknown): string => JSON.stringify(value, null, 2);
  const entry = { command: 'node', args };
  return [
    {
      id: 'claudeCode',
      label: 'Claude Code',
      description: 'a command to run in a terminal',
      hint: 'Run it in a terminal in your project.',
      text: `claude mcp add ${MCP_SERVER_NAME} -- node "${mcpScript.replace(/"/g, '\\"')}" ${mcpServerArgs(options).map(shellWord).join(' ')}`,
    },
    {
      id: 'cursor',
      label: 'Cursor',
      description: '.cursor/mcp.json',
      hint: 'Paste it into .cursor/mcp.json (this project) or ~/.cursor/mcp.json (every project).',
      text: json({ mcpServers: { [MCP_SERVER_NAME]: entry } }),
    },
    {
      id: 'vscode',
      label: 'VS Code',
      description: '.vscode/mcp.json (not needed where Trace Lens is installed: agent mode lists it already)',
      hint: 'Paste it into .vscode/mcp.json.',
      text: json({ servers: { [MCP_SERVER_NAME]: { type: 'stdio', ...entry } } }),
    },
    {
      id: 'generic',
      label: 'Other MCP clients',
      description: 'JSON with mcpServers (Claude Desktop, Windsurf, …)',
      hint: "Merge it into your client's MCP configuration file.",
      text: json({ mcpServers: { [MCP_SERVER_NAME]: entry } }),
    },
  ];
}

/**
 * The MCP feature in VS Code: the Trace Lens MCP server (`dist/mcp.js`, src/mcp/server.ts) offered
 * to VS Code's agent mode without any configuration, through an MCP server definition provider
 * (`contributes.mcpServerDefinitionProviders` + `vscode.lm.registerMcpServerDefinitionProvider`,
 * VS Code 1.101), and **Trace Lens: Copy MCP Server Configuration** for other clients.
 *
 * How VS Code launches it: `process.execPath` with `ELECTRON_RUN_AS_NODE=1` and `dist/mcp.js`.
 * The MCP API's documentation (`McpStdioServerDefinition.command`) says Node.js-based servers may
 * use `process.execPath` to run with the editor's own Node.js; in the desktop extension host that
 * is the Electron binary, which runs as plain Node.js only with `ELECTRON_RUN_AS_NODE=1` (on a
 * remote or web extension host it is Node.js itself, and the variable is ignored). So the server
 * needs no `node` on the user's PATH and runs with the Node.js version VS Code ships. It runs on
 * the extension host's machine, as the same user, so it reads the same window secret.
 *
 * The definition carries the receiver's current OTLP/HTTP port (the port this window listens on
 * or another window owns; else the setting) and the workspace folders (source lookup); it is
 * announced again when either changes.
 */
import * as vscode from 'vscode';
import { MCP_COMMANDS, MCP_SERVER_PROVIDER_ID, type CommandHandlers } from '../ids';
import type { ReceiverController, ReceiverState } from '../receiver/receiverController';
import type { TraceLensSettings } from '../settings';
import { mcpClientConfigs, mcpServerArgs, type McpLaunchOptions } from './mcpConfigText';

/** OTLP/HTTP default port, used when the port setting is 0 (a free port) and no receiver runs yet. */
const DEFAULT_OTLP_HTTP_PORT = 4318;

/** What the MCP feature needs from the rest of the extension. */
export interface McpFeatureContext {
  extensionUri: vscode.Uri;
  /** The extension's version (the definition's version: a new one makes VS Code refresh the tools). */
  version: string;
  receiver: ReceiverController;
  settings: () => TraceLensSettings;
  /**
   * `traceLens.agents.*` as the MCP server takes them (`--include-content`, `--budget`); absent:
   * the server's defaults. Re-read at every definition and copy; call `refresh` after a change.
   */
  agentOptions?: () => Omit<McpLaunchOptions, 'port'>;
  log: vscode.LogOutputChannel;
}

/** The port the MCP server should ask: the receiver's OTLP/HTTP port as known now. */
export function mcpPort(state: ReceiverState, settings: TraceLensSettings): number {
  const http = state.http;
  switch (http.kind) {
    case 'listening':
    case 'otherWindow':
    case 'portBusy':
    case 'starting':
      return http.port;
    case 'stopped':
    case 'error':
      return settings.receiver.port || DEFAULT_OTLP_HTTP_PORT;
  }
}

/** The MCP feature: its disposables and `refresh` (call when `traceLens.agents.*` changes). */
export interface McpFeature {
  disposables: vscode.Disposable[];
  refresh(): void;
}

/** Registers the MCP server definition provider and the copy command. */
export function registerMcp(ctx: McpFeatureContext): McpFeature {
  const script = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'mcp.js').fsPath;
  const launch = (): McpLaunchOptions => ({ ...ctx.agentOptions?.(), port: mcpPort(ctx.receiver.state, ctx.settings()) });
  const changed = new vscode.EventEmitter<void>();
  const disposables: vscode.Disposable[] = [changed];

  let announced = JSON.stringify(launch());
  const refresh = (): void => {
    const now = JSON.stringify(launch());
    if (now === announced) return;
    announced = now;
    changed.fire();
  };
  disposables.push(
    ctx.receiver.onDidChangeState(refresh),
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
  );

  if (typeof vscode.lm?.registerMcpServerDefinitionProvider === 'function') {
    disposables.push(
      vscode.lm.registerMcpServerDefinitionProvider(MCP_SERVER_PROVIDER_ID, {
        onDidChangeMcpServerDefinitions: changed.event,
        provideMcpServerDefinitions: () => [serverDefinition(script, launch(), ctx.version)],
      }),
    );
  } else {
    ctx.log.warn('this VS Code has no MCP server definition API (VS Code 1.101 or later): agent mode will not list the Trace Lens MCP server; use Copy MCP Server Configuration instead');
  }

  const handlers: CommandHandlers<typeof MCP_COMMANDS> = {
    [MCP_COMMANDS.copyMcpServerConfiguration]: () => copyConfiguration(script, launch()),
  };
  disposables.push(...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)));
  return { disposables, refresh };
}

/** The stdio server VS Code starts (see the module comment for the command). */
function serverDefinition(script: string, launch: McpLaunchOptions, version: string): vscode.McpStdioServerDefinition {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const args = [script, ...mcpServerArgs(launch), ...folders.flatMap((f) => ['--workspace', f.uri.fsPath])];
  const definition = new vscode.McpStdioServerDefinition('Trace Lens', process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' }, version);
  if (folders[0]) definition.cwd = folders[0].uri;
  return definition;
}

/** Quick pick of the clients; copies the chosen configuration. */
async function copyConfiguration(script: string, launch: McpLaunchOptions): Promise<void> {
  const configs = mcpClientConfigs(script, launch);
  const picked = await vscode.window.showQuickPick(
    configs.map((c) => ({ label: c.label, description: c.description, detail: c.text.split('\n').length > 1 ? undefined : c.text, config: c })),
    { title: 'Copy MCP Server Configuration', placeHolder: `Trace Lens MCP server for the receiver on port ${launch.port}: which client?` },
  );
  if (!picked) return;
  await vscode.env.clipboard.writeText(picked.config.text);
  void vscode.window.showInformationMessage(`Copied the Trace Lens MCP server configuration for ${picked.config.label}. ${picked.config.hint} It needs Node.js 20 or later on the PATH and VS Code with Trace Lens running.`);
}

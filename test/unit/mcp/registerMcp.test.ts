/**
 * The VS Code side of the MCP server (src/extension/mcp/registerMcp.ts), with a minimal stand-in
 * for the `vscode` API: the server definition provider is registered under the id package.json
 * contributes, its definition runs `process.execPath` with `ELECTRON_RUN_AS_NODE=1` on this
 * installation's `dist/mcp.js` and the receiver's port (and that definition really starts a working
 * server), a new port is announced once, and Copy MCP Server Configuration copies the exact text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ReceiverState } from '../../../src/extension/receiver/receiverController';
import type { TraceLensSettings } from '../../../src/extension/settings';
import { homeWithSecret, serverEnv } from './support';

const ROOT = join(__dirname, '..', '..', '..');
const FOLDER = mkdtempSync(join(tmpdir(), 'trace-lens-mcp-folder-'));

const fake = vi.hoisted(() => ({
  providers: new Map<string, { onDidChangeMcpServerDefinitions?: (l: () => void) => unknown; provideMcpServerDefinitions(): unknown }>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  clipboard: '',
  pick: undefined as string | undefined,
  folders: [] as { name: string; uri: { scheme: string; fsPath: string } }[],
}));

vi.mock('vscode', () => {
  class EventEmitter<T> {
    private listeners: ((e: T) => void)[] = [];
    readonly event = (listener: (e: T) => void) => {
      this.listeners.push(listener);
      return { dispose: () => undefined };
    };
    fire(e: T): void {
      for (const l of this.listeners) l(e);
    }
    dispose(): void {
      this.listeners = [];
    }
  }
  class McpStdioServerDefinition {
    cwd?: unknown;
    constructor(
      readonly label: string,
      public command: string,
      public args: string[] = [],
      public env: Record<string, string | number | null> = {},
      public version?: string,
    ) {}
  }
  const file = (fsPath: string) => ({ scheme: 'file', fsPath });
  return {
    EventEmitter,
    McpStdioServerDefinition,
    Uri: { file, joinPath: (base: { fsPath: string }, ...parts: string[]) => file([base.fsPath, ...parts].join('/')) },
    lm: {
      registerMcpServerDefinitionProvider: (id: string, provider: never) => {
        fake.providers.set(id, provider);
        return { dispose: () => fake.providers.delete(id) };
      },
    },
    workspace: {
      get workspaceFolders() {
        return fake.folders;
      },
      onDidChangeWorkspaceFolders: () => ({ dispose: () => undefined }),
    },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        fake.commands.set(id, handler);
        return { dispose: () => fake.commands.delete(id) };
      },
    },
    window: {
      showQuickPick: (items: { label: string }[]) => Promise.resolve(items.find((i) => i.label === fake.pick)),
      showInformationMessage: () => Promise.resolve(undefined),
    },
    env: {
      clipboard: {
        writeText: (text: string) => {
          fake.clipboard = text;
          return Promise.resolve();
        },
      },
    },
  };
});

const { registerMcp, mcpPort } = await import('../../../src/extension/mcp/registerMcp');
const vscode = await import('vscode');

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const settings = { receiver: { port: 4318 } } as unknown as TraceLensSettings;

function fakeReceiver(initial: ReceiverState) {
  const emitter = new vscode.EventEmitter<ReceiverState>();
  const receiver = { state: initial, onDidChangeState: emitter.event };
  return {
    receiver,
    set(state: ReceiverState) {
      receiver.state = state;
      emitter.fire(state);
    },
  };
}

interface Definition {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  version?: string;
  cwd?: { fsPath: string };
}

afterAll(() => rmSync(FOLDER, { recursive: true, force: true }));

describe('MCP server definition provider', () => {
  fake.folders = [{ name: 'app', uri: { scheme: 'file', fsPath: FOLDER } }];
  const r = fakeReceiver({ http: { kind: 'listening', host: '127.0.0.1', port: 4318 }, grpc: { kind: 'disabled' } });
  const log = { warn: vi.fn() };
  const feature = registerMcp({ extensionUri: vscode.Uri.file(ROOT), version: '9.9.9', receiver: r.receiver as never, settings: () => settings, log: log as never });
  const provider = () => fake.providers.get(manifest.contributes.mcpServerDefinitionProviders[0].id)!;
  const definitions = () => provider().provideMcpServerDefinitions() as Definition[];

  it('is registered under the id package.json contributes', () => {
    expect(manifest.contributes.mcpServerDefinitionProviders).toEqual([{ id: 'traceLens.mcpServer', label: 'Trace Lens' }]);
    expect(provider()).toBeDefined();
    expect(feature.disposables.length).toBeGreaterThan(0);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it("runs the editor's own Node.js (process.execPath as Node) on this installation's dist/mcp.js and the receiver's port", () => {
    const [def] = definitions();
    expect(definitions()).toHaveLength(1);
    expect(def).toMatchObject({ label: 'Trace Lens', command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, version: '9.9.9', cwd: { fsPath: FOLDER } });
    expect(def!.args).toEqual([`${ROOT}/dist/mcp.js`, '--port', '4318', '--workspace', FOLDER]);
  });

  it('that definition starts a working MCP server', async () => {
    const [def] = definitions();
    const home = homeWithSecret();
    // As VS Code's extension host does: its own environment, overridden by the definition's.
    const client = new Client({ name: 'definition-test', version: '1.0.0' });
    try {
      await client.connect(new StdioClientTransport({ command: def!.command, args: def!.args, env: { ...serverEnv(home), ...def!.env }, cwd: def!.cwd!.fsPath, stderr: 'ignore' }));
      expect(client.getServerVersion()).toMatchObject({ name: 'trace-lens' });
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('announces a new port once, and only when the port changes', () => {
    let fired = 0;
    provider().onDidChangeMcpServerDefinitions!(() => fired++);
    r.set({ http: { kind: 'listening', host: '127.0.0.1', port: 4318 }, grpc: { kind: 'listening', host: '127.0.0.1', port: 4317 } });
    expect(fired).toBe(0);
    r.set({ http: { kind: 'otherWindow', port: 4555, owner: { product: 'trace-lens', protocol: 2, instanceId: 'x', pid: 1, workspace: 'w' } }, grpc: { kind: 'disabled' } });
    expect(fired).toBe(1);
    expect(definitions()[0]!.args.slice(1, 3)).toEqual(['--port', '4555']);
    r.set({ http: { kind: 'stopped' }, grpc: { kind: 'disabled' } });
    expect(fired).toBe(2);
    expect(definitions()[0]!.args.slice(1, 3)).toEqual(['--port', '4318']);
  });

  it('Copy MCP Server Configuration copies the exact command for the chosen client', async () => {
    r.set({ http: { kind: 'listening', host: '127.0.0.1', port: 4555 }, grpc: { kind: 'disabled' } });
    fake.pick = 'Claude Code';
    await fake.commands.get('traceLens.copyMcpServerConfiguration')!();
    expect(fake.clipboard).toBe(`claude mcp add trace-lens -- node "${ROOT}/dist/mcp.js" --port 4555`);
    fake.pick = 'Cursor';
    await fake.commands.get('traceLens.copyMcpServerConfiguration')!();
    expect(JSON.parse(fake.clipboard)).toEqual({ mcpServers: { 'trace-lens': { command: 'node', args: [`${ROOT}/dist/mcp.js`, '--port', '4555'] } } });
    // Dismissed: nothing copied.
    fake.clipboard = '';
    fake.pick = undefined;
    await fake.commands.get('traceLens.copyMcpServerConfiguration')!();
    expect(fake.clipboard).toBe('');
  });
});

describe('mcpPort', () => {
  it("is the receiver's port while known, else the setting, else 4318 for a free-port setting", () => {
    const at = (http: ReceiverState['http'], port = 4318) => mcpPort({ http, grpc: { kind: 'disabled' } }, { receiver: { port } } as unknown as TraceLensSettings);
    expect(at({ kind: 'listening', host: '127.0.0.1', port: 5000 }, 0)).toBe(5000);
    expect(at({ kind: 'stopped' }, 4400)).toBe(4400);
    expect(at({ kind: 'error', message: 'x' }, 0)).toBe(4318);
  });
});

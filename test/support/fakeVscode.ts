/**
 * A stand-in for the parts of the `vscode` module that the settings reader and the forwarding
 * controller use, for unit tests that `vi.mock('vscode', …)` with it:
 *
 * ```ts
 * vi.mock('vscode', async () => (await import('../../support/fakeVscode')).vscodeModule);
 * ```
 *
 * Settings are kept per scope (package.json defaults, user, workspace, workspace folder) like VS
 * Code's configuration model. `get()` merges them the way VS Code does for a `window`-scoped
 * setting — the most specific scope wins — and deliberately ignores the `scope` a setting declares
 * in package.json: it plays a VS Code that *would* hand out a workspace value of an
 * application-scoped setting, so the settings reader's own check (`inspect()`) is what a test sees.
 * `SecretStorage` is a `Map` with the real event shape. Window messages are recorded and answered
 * by `answerPrompt` (default: dismissed, `undefined`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Listener<T> = (value: T) => unknown;

/** `vscode.EventEmitter`, synchronous like the real one. */
export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};
const DEFAULTS: Record<string, unknown> = Object.fromEntries(Object.entries(manifest.contributes.configuration.properties).map(([k, v]) => [k, v.default]));

/** Values per scope, keyed by the full setting id (`traceLens.forwarding.targets`). */
export const settings = {
  user: {} as Record<string, unknown>,
  workspace: {} as Record<string, unknown>,
  workspaceFolder: {} as Record<string, unknown>,
};

const configurationChanged = new EventEmitter<{ affectsConfiguration: (section: string) => boolean }>();

/** Sets (or with `undefined`, removes) one value in one scope and fires `onDidChangeConfiguration`. */
export function setSetting(scope: keyof typeof settings, key: string, value: unknown): void {
  if (value === undefined) delete settings[scope][key];
  else settings[scope][key] = structuredClone(value);
  configurationChanged.fire({ affectsConfiguration: (section) => key === section || key.startsWith(`${section}.`) });
}

/** Forgets every value, secret, prompt and answer (call in `beforeEach`). */
export function resetFakeVscode(): void {
  for (const scope of Object.values(settings)) for (const k of Object.keys(scope)) delete scope[k];
  secretValues.clear();
  prompts.length = 0;
  logLines.length = 0;
  answerPrompt = () => undefined;
}

function getConfiguration(section: string) {
  const full = (key: string) => `${section}.${key}`;
  const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
  return {
    get: <T>(key: string): T | undefined => {
      const k = full(key);
      for (const scope of [settings.workspaceFolder, settings.workspace, settings.user]) if (k in scope) return clone(scope[k]) as T;
      return clone(DEFAULTS[k]) as T;
    },
    inspect: <T>(key: string) => {
      const k = full(key);
      return {
        key: k,
        defaultValue: clone(DEFAULTS[k]) as T,
        globalValue: clone(settings.user[k]) as T | undefined,
        workspaceValue: clone(settings.workspace[k]) as T | undefined,
        workspaceFolderValue: clone(settings.workspaceFolder[k]) as T | undefined,
      };
    },
    update: async (key: string, value: unknown, target: number) => {
      const scope = target === ConfigurationTarget.WorkspaceFolder ? 'workspaceFolder' : target === ConfigurationTarget.Workspace ? 'workspace' : 'user';
      setSetting(scope, full(key), value);
    },
  };
}

const secretValues = new Map<string, string>();
const secretsChanged = new EventEmitter<{ key: string }>();

/** `vscode.SecretStorage` over a `Map`; `values` lets a test look at (or seed) what is stored. */
export const secrets = {
  values: secretValues,
  get: async (key: string) => secretValues.get(key),
  store: async (key: string, value: string) => {
    secretValues.set(key, value);
    secretsChanged.fire({ key });
  },
  delete: async (key: string) => {
    secretValues.delete(key);
    secretsChanged.fire({ key });
  },
  onDidChange: secretsChanged.event,
};

/** Every message shown with `showWarningMessage` / `showInformationMessage`, with its buttons. */
export const prompts: { message: string; items: string[] }[] = [];
/** Decides the button a shown message is answered with (`undefined`: dismissed). */
let answerPrompt: (message: string, items: string[]) => string | undefined = () => undefined;
export function setPromptAnswer(answer: (message: string, items: string[]) => string | undefined): void {
  answerPrompt = answer;
}

function show(message: string, ...rest: unknown[]): Promise<string | undefined> {
  const items = rest.filter((r): r is string => typeof r === 'string');
  prompts.push({ message, items });
  return Promise.resolve(answerPrompt(message, items));
}

/** A `LogOutputChannel` that keeps its lines as `level: message`. */
export const logLines: string[] = [];
export const log = {
  info: (m: string) => logLines.push(`info: ${m}`),
  warn: (m: string) => logLines.push(`warn: ${m}`),
  error: (m: string) => logLines.push(`error: ${m}`),
  debug: (m: string) => logLines.push(`debug: ${m}`),
  trace: (m: string) => logLines.push(`trace: ${m}`),
};

/** The module handed to `vi.mock('vscode', …)`. */
export const vscodeModule = {
  EventEmitter,
  ConfigurationTarget,
  workspace: {
    getConfiguration,
    onDidChangeConfiguration: configurationChanged.event,
    workspaceFolders: [{ uri: { fsPath: '/ws' }, name: 'ws', index: 0 }],
  },
  window: {
    showWarningMessage: show,
    showInformationMessage: show,
    showErrorMessage: show,
  },
};

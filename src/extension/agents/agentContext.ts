/**
 * The `AgentToolContext` (src/core/agents/tools.ts) of this window: queries through the
 * TraceRepository (this window's store, or the owner window's through the window channel), the
 * `traceLens.agents.*` settings read on every call, redaction patterns compiled as forwarding
 * compiles them, and stack frames resolved against the workspace to workspace-relative file:line.
 */
import * as vscode from 'vscode';
import type { AgentToolContext } from '../../core/agents/tools';
import { compileRedactionPatterns, redactMatches } from '../../core/forwarding/redaction';
import type { ResolveHints } from '../../core/source/resolve';
import { readAgentSettings } from '../settings';
import type { WorkspaceSource } from '../source/workspaceSource';
import type { TraceRepository } from '../traces/traceRepository';

/** Builds contexts; warns once per changed set of invalid redaction patterns. */
export class AgentContextFactory {
  private warnedKey = '';

  constructor(
    private readonly repository: TraceRepository,
    private readonly workspace: WorkspaceSource,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A context with the settings as they are now; `budgetChars` may be lowered (e.g. to fit a chat model). */
  create(budgetChars?: number): AgentToolContext {
    const settings = readAgentSettings();
    const { regexes, invalid } = compileRedactionPatterns(settings.redactionPatterns);
    const key = invalid.join('\n');
    if (key && key !== this.warnedKey) this.log.warn(`traceLens.agents.redactionPatterns: ignored invalid regular expressions: ${invalid.join(', ')}`);
    this.warnedKey = key;
    const ctx: AgentToolContext = {
      query: (method, params) => this.repository.query(method, params),
      budgetChars: Math.min(settings.outputBudgetCharacters, budgetChars ?? Number.POSITIVE_INFINITY),
      includeContent: settings.includeContent,
      resolveSource: (path, line, hints) => this.resolve(path, line, hints as ResolveHints | undefined),
    };
    if (regexes.length) ctx.redact = (text) => redactMatches(text, regexes);
    return ctx;
  }

  /** Workspace-relative `file:line` (folder name first in a multi-root workspace), `null` outside the workspace. */
  private async resolve(path: string, line: number | null, hints: ResolveHints | undefined): Promise<string | null> {
    const resolved = await this.workspace.resolve(path, hints ?? {});
    if (resolved.kind !== 'workspace') return null;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const relative = vscode.workspace.asRelativePath(this.workspace.uriOf(resolved.path), multiRoot);
    return `${relative}${line ? `:${line}` : ''}`;
  }
}

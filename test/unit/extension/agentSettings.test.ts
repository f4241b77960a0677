/**
 * `traceLens.agents.*` (src/extension/settings.ts `readAgentSettings`): a workspace can make what
 * coding agents see stricter, never looser; and package.json declares the language model tools
 * exactly as `AGENT_TOOLS` (src/core/agents/tools.ts) describes them.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetFakeVscode, setSetting } from '../../support/fakeVscode';
import { AGENT_TOOLS } from '../../../src/core/agents/tools';

vi.mock('vscode', async () => (await import('../../support/fakeVscode')).vscodeModule);

const { readAgentSettings } = await import('../../../src/extension/settings');
const { CHAT_PARTICIPANT, languageModelToolName } = await import('../../../src/extension/ids');

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('readAgentSettings', () => {
  beforeEach(() => resetFakeVscode());

  it('defaults: content on, 20,000 characters, no patterns', () => {
    expect(readAgentSettings()).toEqual({ includeContent: true, outputBudgetCharacters: 20_000, redactionPatterns: [] });
  });

  it('content off in any scope wins; a workspace cannot turn it back on', () => {
    setSetting('user', 'traceLens.agents.includeContent', false);
    setSetting('workspace', 'traceLens.agents.includeContent', true);
    expect(readAgentSettings().includeContent).toBe(false);
    setSetting('user', 'traceLens.agents.includeContent', undefined);
    setSetting('workspaceFolder', 'traceLens.agents.includeContent', false);
    expect(readAgentSettings().includeContent).toBe(false);
  });

  it('redaction patterns of every scope apply together; the budget is clamped', () => {
    setSetting('user', 'traceLens.agents.redactionPatterns', ['sk-[A-Za-z0-9]{20,}']);
    setSetting('workspace', 'traceLens.agents.redactionPatterns', ['ACME-\\d+', 'sk-[A-Za-z0-9]{20,}', 42]);
    expect(readAgentSettings().redactionPatterns).toEqual(['sk-[A-Za-z0-9]{20,}', 'ACME-\\d+']);
    setSetting('user', 'traceLens.agents.outputBudgetCharacters', 10);
    expect(readAgentSettings().outputBudgetCharacters).toBe(1_000);
    setSetting('user', 'traceLens.agents.outputBudgetCharacters', 1e9);
    expect(readAgentSettings().outputBudgetCharacters).toBe(200_000);
  });
});

describe('package.json languageModelTools and chatParticipants', () => {
  it('one tool per AGENT_TOOLS entry, with its reference name, model description and input schema', () => {
    const tools = manifest.contributes.languageModelTools as Record<string, unknown>[];
    expect(tools.map((t) => t.name)).toEqual(AGENT_TOOLS.map((t) => languageModelToolName(t.name)));
    for (const spec of AGENT_TOOLS) {
      const tool = tools.find((t) => t.name === languageModelToolName(spec.name))!;
      expect(tool).toMatchObject({ displayName: spec.displayName, toolReferenceName: spec.toolReferenceName, modelDescription: spec.description, canBeReferencedInPrompt: true });
      expect(tool.inputSchema).toEqual(JSON.parse(JSON.stringify(spec.inputSchema)));
      expect(typeof tool.userDescription).toBe('string');
      // VS Code tool names: letters, digits, '_' and '-' only (models reject others).
      expect(tool.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  it('the participant and its commands match ids.ts', () => {
    const [participant] = manifest.contributes.chatParticipants;
    expect(participant).toMatchObject({ id: CHAT_PARTICIPANT.id, name: CHAT_PARTICIPANT.name });
    expect(participant.commands.map((c: { name: string }) => c.name)).toEqual([...CHAT_PARTICIPANT.commands]);
  });

  it('engines.vscode is at least 1.95 (lm.registerTool, ChatRequest.model and toolReferences)', () => {
    const [major, minor] = String(manifest.engines.vscode).replace(/^\^/, '').split('.').map(Number);
    expect(major! > 1 || minor! >= 95).toBe(true);
  });
});

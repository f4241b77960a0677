/**
 * The @tracelens prompts (src/core/agents/prompts.ts) with a fake model: the messages hold the
 * get_trace text of a real demo run and the command's instructions; the streamed answer gets
 * command links on the span ids of the trace, also when an id is split across fragments.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerWithModel,
  buildTraceLensPrompt,
  COMMAND_INSTRUCTIONS,
  linkSpans,
  sourceLinesOfTraceText,
  traceIdsInPrompt,
  type ChatModelLike,
  type PromptMessage,
} from '../../../src/core/agents/prompts';
import { runAgentTool } from '../../../src/core/agents/tools';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const OPEN = 'traceLens.openTrace';
let p: Pipeline;
let traceId: string;
let text: string;
let toolSpanId: string;

beforeAll(async () => {
  p = await startPipeline();
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '1', '--endpoint', p.url, '--quiet']);
  const trace = await eventually(async () => {
    const [t] = await p.client.request('listTraces', { limit: 1, offset: 0 });
    return t?.usage?.modelCalls === 2 ? t : undefined;
  }, 15_000);
  traceId = trace.traceId;
  text = (await runAgentTool('get_trace', { trace_id: traceId }, { query: (m, params) => p.client.request(m, params as never) as never, budgetChars: 20_000, includeContent: true })).text;
  const skeleton = (await p.client.request('traceSkeleton', { traceId }))!;
  toolSpanId = skeleton.spans.find((s) => s.name === 'execute_tool get_stock_price')!.spanId;
}, 60_000);
afterAll(async () => {
  await p.close();
});

/** A model that records what it was sent and answers with fixed fragments. */
function fakeModel(fragments: string[]): ChatModelLike & { sent: PromptMessage[][] } {
  const sent: PromptMessage[][] = [];
  return {
    sent,
    async sendRequest(messages) {
      sent.push(messages);
      return (async function* () {
        for (const f of fragments) yield f;
      })();
    },
  };
}

describe('buildTraceLensPrompt', () => {
  for (const command of ['explain', 'cost', 'compare', undefined] as const) {
    it(`/${command ?? '(question)'}: the trace text and the command's instructions come first, the question last`, () => {
      const messages = buildTraceLensPrompt({ command, question: 'why did the stock tool fail?', traces: [{ traceId, label: 'Run', text }] });
      expect(messages[0]!.role).toBe('user');
      expect(messages[0]!.content).toContain(text);
      expect(messages[0]!.content).toContain(COMMAND_INSTRUCTIONS[command ?? 'question']);
      expect(messages.at(-1)).toEqual({ role: 'user', content: `${command ? `/${command} ` : ''}why did the stock tool fail?` });
    });
  }

  it('/compare carries both runs, labelled', () => {
    const messages = buildTraceLensPrompt({ command: 'compare', question: '', traces: [{ traceId: 'a'.repeat(32), label: 'Run A (older)', text: 'TEXT A' }, { traceId, label: 'Run B (newer)', text }] });
    expect(messages[0]!.content).toMatch(/<trace id="a{32}" label="Run A \(older\)">\nTEXT A\n<\/trace>/);
    expect(messages[0]!.content).toContain(`label="Run B (newer)">\n${text}`);
    expect(messages.at(-1)!.content).toBe('/compare');
  });

  it('keeps the chat history between the context and the question; refuses no trace', () => {
    const history: PromptMessage[] = [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'answer' }];
    const messages = buildTraceLensPrompt({ command: undefined, question: 'and now?', traces: [{ traceId, label: 'Run', text }], history });
    expect(messages.slice(2, 4)).toEqual(history);
    expect(() => buildTraceLensPrompt({ command: 'explain', question: '', traces: [] })).toThrow(/no trace/);
  });
});

describe('answerWithModel', () => {
  it('sends the prompt and streams the answer with span links, also for an id split across fragments', async () => {
    const model = fakeModel([`The stock call (span ${toolSpanId.slice(0, 7)}`, `${toolSpanId.slice(7)}) failed.\nSee span 0000000000000000.`]);
    const written: string[] = [];
    const answer = await answerWithModel(model, { command: 'explain', question: '', traces: [{ traceId, label: 'Run', text }] }, (m) => written.push(m), OPEN);
    expect(model.sent).toHaveLength(1);
    expect(model.sent[0]![0]!.content).toContain(COMMAND_INSTRUCTIONS.explain);
    expect(model.sent[0]![0]!.content).toContain(`span ${toolSpanId}`);
    expect(answer).toBe(`The stock call (span ${toolSpanId}) failed.\nSee span 0000000000000000.`);
    const link = `[span ${toolSpanId}](command:${OPEN}?${encodeURIComponent(JSON.stringify([traceId, toolSpanId]))})`;
    expect(written.join('')).toBe(`The stock call (${link}) failed.\nSee span 0000000000000000.`);
  });
});

describe('helpers', () => {
  it('linkSpans leaves unknown ids and trace ids alone', () => {
    const spans = new Map([['00f067aa0ba902b7', 'trace1']]);
    expect(linkSpans('`00f067aa0ba902b7` and 4bf92f3577b34da6a3ce929d0e0e4736', spans, OPEN)).toBe(
      `[00f067aa0ba902b7](command:${OPEN}?${encodeURIComponent('["trace1","00f067aa0ba902b7"]')}) and 4bf92f3577b34da6a3ce929d0e0e4736`,
    );
  });

  it('traceIdsInPrompt finds ids and prefixes, not words or plain numbers', () => {
    expect(traceIdsInPrompt('/compare 4bf92f3577b34da6a3ce929d0e0e4736 with c0ffee12, not 12345678 or deadline')).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', 'c0ffee12']);
  });

  it('sourceLinesOfTraceText finds the workspace-relative lines of the trace text', () => {
    const lines = sourceLinesOfTraceText('    at demo/agent/tools.mjs:63 in getStockPrice\n    at file:///x/y.mjs:1\n  made at demo/agent/agent.mjs:105 in executeTool\n');
    expect(lines).toEqual([{ path: 'demo/agent/tools.mjs', line: 63 }, { path: 'demo/agent/agent.mjs', line: 105 }]);
  });
});

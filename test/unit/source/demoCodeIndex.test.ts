/**
 * The demo agent (real OpenTelemetry SDK, real OpenAI instrumentation, its
 * SourceLocationSpanProcessor) against the real receiver and worker: its spans' code locations
 * and its exception frame land in the worker's code index under the keys the editor asks for
 * when the workspace is demo/ (the e2e workspace), at the lines of the demo source.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentKeyCandidates, resolveSourcePath } from '../../../src/core/source/resolve';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const repo = join(__dirname, '..', '..', '..');
const demoDir = join(repo, 'demo');
const workspace = { workspaceFolders: [{ name: 'demo', path: demoDir }] };

/** 1-based line of the `nth` line of demo/agent/<file> containing `text`. */
function lineOf(file: string, text: string, nth = 1): number {
  const lines = readFileSync(join(demoDir, 'agent', file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  return hits[nth - 1]!;
}

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [join(demoDir, 'agent', 'main.mjs'), '--quiet', '--endpoint', pipeline.url], { cwd: repo, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`demo agent failed: ${error.message}\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}, 90_000);

afterAll(async () => {
  await pipeline?.close();
});

describe('demo agent → worker code index', () => {
  it('agent.mjs: CodeLens facts at the lines that started the spans (agent, chat calls, tools)', async () => {
    const file = join(demoDir, 'agent', 'agent.mjs');
    const keys = documentKeyCandidates(file, workspace);
    const stats = await eventually(async () => {
      const s = await pipeline.client.request('codeStatsForFile', { keys });
      return s.lines.length >= 4 ? s : null;
    });
    const agentLine = lineOf('agent.mjs', 'return tracer.startActiveSpan(', 1);
    const chatLine = lineOf('agent.mjs', 'client.chat.completions.create(');
    const toolLine = lineOf('agent.mjs', 'return tracer.startActiveSpan(', 2);
    expect(stats.lines.map((l) => [l.line, l.spanName, l.count, l.errorCount])).toEqual([
      [agentLine, 'invoke_agent weather-assistant', 1, 0],
      [chatLine, 'chat gpt-4o-mini', 2, 0],
      [toolLine, 'execute_tool get_stock_price', 1, 1],
      [toolLine, 'execute_tool get_weather', 1, 0],
    ]);
    expect(stats.errors).toMatchObject([{ line: toolLine, count: 1, source: 'span', spanName: 'execute_tool get_stock_price' }]);
    expect(stats.errors[0]!.message).toMatch(/Stock service unavailable/);
  });

  it('tools.mjs: the exception thrown by the failing tool marks the throw line', async () => {
    const keys = documentKeyCandidates(join(demoDir, 'agent', 'tools.mjs'), workspace);
    const stats = await pipeline.client.request('codeStatsForFile', { keys });
    expect(stats.lines).toEqual([]);
    expect(stats.errors).toMatchObject([{ line: lineOf('tools.mjs', 'throw new ToolError('), count: 1, source: 'exception' }]);
    expect(stats.errors[0]!.message).toMatch(/^ToolError: Stock service unavailable/);
  });

  it('the recorded paths resolve inside the demo workspace', async () => {
    const r = await resolveSourcePath(join(demoDir, 'agent', 'agent.mjs'), { ...workspace, fileExists: async (p) => existsSync(p) });
    expect(r).toMatchObject({ kind: 'workspace', relativePath: 'agent/agent.mjs' });
  });

  it('a file no span points at: nothing', async () => {
    const keys = documentKeyCandidates(join(demoDir, 'agent', 'fakeOpenAI.mjs'), workspace);
    expect(await pipeline.client.request('codeStatsForFile', { keys })).toEqual({ lines: [], errors: [] });
  });
});

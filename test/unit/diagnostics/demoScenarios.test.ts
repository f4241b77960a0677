/**
 * The demo agent's diagnostics scenarios (demo/agent/agent.mjs SCENARIOS), run for real (OTel SDK +
 * instrumentation-openai against the stand-in model) into the real receiver and back end: a loop,
 * a swallowed tool error, and an outlier after five normal runs are found, each at the line of the
 * demo's code that made the span (the demo's code.* attributes).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocatedFinding } from '../../../src/model/diagnostics';
import { eventually, startPipeline, type Pipeline } from '../../support/pipeline';

const AGENT = join(process.cwd(), 'demo/agent/agent.mjs');
/** 1-based line of the `nth` line of demo/agent/agent.mjs containing `text` (independent of our code). */
function lineOf(text: string, nth = 1): number {
  const lines = readFileSync(AGENT, 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(text) && ++seen === nth) return i + 1;
  throw new Error(`no ${nth}. line with ${text}`);
}

let p: Pipeline;
let findings: LocatedFinding[] = [];
beforeAll(async () => {
  p = await startPipeline();
  await promisify(execFile)(process.execPath, ['demo/agent/main.mjs', '--runs', '8', '--interval', '0', '--scenario', 'weather,weather,weather,weather,weather,outlier,loop,news', '--endpoint', p.url, '--quiet']);
  // The outlier is judged once it is complete (3 s without new spans).
  findings = await eventually(async () => {
    const all = await p.client.request('listFindings', {});
    return all.some((f) => f.detector === 'baseline-anomaly') && all.some((f) => f.detector === 'loop') ? all : undefined;
  }, 20_000);
}, 60_000);
afterAll(async () => {
  await p.close();
});

describe('the demo agent scenarios', () => {
  it('loop: get_weather({"city":"Paris"}) four times, found at the tool span line of agent.mjs', () => {
    const loop = findings.find((f) => f.detector === 'loop')!;
    expect(loop.message).toMatch(/get_weather/);
    expect(loop.relatedSpanIds).toHaveLength(3);
    expect(loop.locations[0]!.path).toBe(AGENT);
    expect(loop.locations[0]!.line).toBe(lineOf('tracer.startActiveSpan(', 2)); // executeTool's span
  });

  it('news: get_news returned {"error": …} on an OK span and the agent answered anyway', () => {
    const swallowed = findings.find((f) => f.detector === 'swallowed-tool-error')!;
    expect(swallowed.message).toMatch(/get_news/);
    expect(swallowed.message).toMatch(/news feed timed out/);
    expect(swallowed.locations[0]).toMatchObject({ path: AGENT, line: lineOf('tracer.startActiveSpan(', 2) });
  });

  it('outlier: flagged against the five weather runs, naming the metric, its value, the mean and σ', () => {
    const anomalies = findings.filter((f) => f.detector === 'baseline-anomaly');
    const metrics = anomalies.map((f) => (f.detector === 'baseline-anomaly' ? f.detail.metric : ''));
    expect(metrics).toEqual(expect.arrayContaining(['totalTokens', 'durationMs']));
    const tokens = anomalies.find((f) => f.detector === 'baseline-anomaly' && f.detail.metric === 'totalTokens')!;
    expect(tokens.message).toMatch(/σ/);
    expect(tokens.locations[0]).toMatchObject({ path: AGENT, line: lineOf('tracer.startActiveSpan(', 1) }); // the run's root span
  });

  it('the normal weather runs have no warnings (the failing stock tool is reported as an error, not swallowed)', () => {
    const weatherRuns = new Set(findings.filter((f) => f.detector === 'swallowed-tool-error').map((f) => f.traceId));
    expect(findings.filter((f) => f.detector === 'swallowed-tool-error' && f.message.includes('get_stock_price'))).toEqual([]);
    expect(weatherRuns.size).toBe(1);
  });
});

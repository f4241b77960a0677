/**
 * The agent graph of traces captured from real libraries. Expected nodes and edges are derived
 * from the fixtures' own raw data (the OpenAI Agents SDK's `span_data` items and parent ids, the
 * stand-in API's answers, the OTLP attributes), not from our normalizer; costs use a flat price
 * override so the arithmetic is written out here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAiAgentsTraceBook, agentsSpanId, decodeOpenAiAgents } from '../../../src/core/otlp/openaiAgents';
import { buildTraceGraph, graphNodeId } from '../../../src/core/graph/buildGraph';
import type { AgentGraph } from '../../../src/model/agentGraph';
import type { PriceOverride } from '../../../src/model/cost';
import type { SpanRecord } from '../../../src/model/trace';
import { genai, loadSpans } from '../../support/genai';
import { runFromRecords } from '../diagnostics/support';

/** $1 per 1M input tokens, $10 per 1M output tokens (cache reads at the input rate, reasoning at the output rate). */
const FLAT: PriceOverride[] = [{ match: '/.*/', inputPerMTok: 1, outputPerMTok: 10 }];
const usd = (input: number, output: number) => Math.round((input * 1e-6 + output * 1e-5) * 1e12) / 1e12;

function edges(g: AgentGraph): string[] {
  return g.edges.map((e) => `${e.from} -> ${e.to} ${e.kind} ×${e.count}`).sort();
}

describe('OpenAI Agents SDK run (chat completions): Triage hands off to Weather agent, which calls get_weather', () => {
  const DIR = join(__dirname, '..', '..', 'fixtures', 'openai-agents');
  type Item = { object: string; id: string; parent_id?: string | null; started_at?: string; ended_at?: string; span_data?: Record<string, unknown> };
  const items: Item[] = [];
  const book = new OpenAiAgentsTraceBook();
  const spans = new Map<string, SpanRecord>();
  for (let n = 1; n <= 3; n++) {
    const raw = readFileSync(join(DIR, `chat.${n}.ingest.json`));
    items.push(...(JSON.parse(raw.toString('utf8')) as { data: Item[] }).data);
    const r = decodeOpenAiAgents(raw, book);
    if (!r.ok) throw new Error(r.message);
    for (const s of r.items) spans.set(s.spanId, s);
  }
  const standIn = JSON.parse(readFileSync(join(DIR, 'stand-in.json'), 'utf8')) as {
    usage: Record<'handoff' | 'tool' | 'final', { input_tokens: number; output_tokens: number }>;
    answered: Record<string, { step: 'handoff' | 'tool' | 'final'; response: { model: string } }[]>;
  };
  const g = buildTraceGraph(runFromRecords([...spans.values()], { overrides: FLAT }));

  // From the raw items: each span's nearest `agent` span up the parent_id chain.
  const byId = new Map(items.filter((i) => i.object === 'trace.span').map((i) => [i.id, i]));
  const agentOf = (item: Item): string => {
    for (let p = item.parent_id ? byId.get(item.parent_id) : undefined; p; p = p.parent_id ? byId.get(p.parent_id) : undefined) {
      if (p.span_data?.type === 'agent') return p.span_data.name as string;
    }
    throw new Error(`${item.id} is in no agent`);
  };
  const ofType = (type: string) => [...byId.values()].filter((i) => i.span_data?.type === type);
  const model = standIn.answered.chat![0]!.response.model; // what the stand-in answered as
  // A generation's span_data names the model but no provider.
  const MODEL = graphNodeId('model', model);

  it('nodes: the two agents, the function tool, the one model', () => {
    const agents = [...new Set(ofType('agent').map((i) => i.span_data!.name as string))];
    const tools = [...new Set(ofType('function').map((i) => i.span_data!.name as string))];
    expect(agents).toEqual(['Triage', 'Weather agent']);
    expect(g.nodes.map((n) => n.id).sort()).toEqual([...agents.map((a) => graphNodeId('agent', a)), ...tools.map((t) => graphNodeId('tool', t)), MODEL].sort());
    expect(g.nodes.find((n) => n.id === MODEL)).toMatchObject({ kind: 'model', name: model, calls: ofType('generation').length, errors: 0 });
    expect(g.nodes.find((n) => n.id === MODEL)!.provider).toBeUndefined();
    expect(g.nodes.find((n) => n.id === MODEL)!.spanIds).toEqual(ofType('generation').map((i) => agentsSpanId(i.id)));
  });

  it('edges: the hand-off, the tool call and the model calls of each agent', () => {
    const want = new Map<string, number>();
    const add = (k: string) => want.set(k, (want.get(k) ?? 0) + 1);
    for (const h of ofType('handoff')) add(`${graphNodeId('agent', h.span_data!.from_agent as string)} -> ${graphNodeId('agent', h.span_data!.to_agent as string)} handoff`);
    for (const f of ofType('function')) add(`${graphNodeId('agent', agentOf(f))} -> ${graphNodeId('tool', f.span_data!.name as string)} calls`);
    for (const c of ofType('generation')) add(`${graphNodeId('agent', agentOf(c))} -> ${MODEL} calls`);
    expect(edges(g)).toEqual([...want].map(([k, n]) => `${k} ×${n}`).sort());
    expect(edges(g)).toContain(`${graphNodeId('agent', 'Weather agent')} -> ${MODEL} calls ×2`);
  });

  it('latency of the tool from the SDK\'s own start and end times; costs from the stand-in\'s usage', () => {
    const f = ofType('function')[0]!;
    const ms = Date.parse(f.ended_at!) - Date.parse(f.started_at!);
    expect(g.nodes.find((n) => n.kind === 'tool')!.p50Ms).toBeCloseTo(ms, 6);
    const u = standIn.usage;
    const total = usd(u.handoff.input_tokens + u.tool.input_tokens + u.final.input_tokens, u.handoff.output_tokens + u.tool.output_tokens + u.final.output_tokens);
    expect(g.nodes.find((n) => n.id === MODEL)!.cost).toMatchObject({ costUsd: total, isLowerBound: false, pricedCount: 3 });
    // Triage made the hand-off call; Weather agent the tool call and the final answer.
    expect(g.nodes.find((n) => n.id === graphNodeId('agent', 'Triage'))!.cost!.costUsd).toBe(usd(u.handoff.input_tokens, u.handoff.output_tokens));
    expect(g.nodes.find((n) => n.id === graphNodeId('agent', 'Weather agent'))!.cost!.costUsd).toBe(
      usd(u.tool.input_tokens + u.final.input_tokens, u.tool.output_tokens + u.final.output_tokens),
    );
  });
});

describe('OTLP fixtures', () => {
  /** A span's attribute as sent. */
  const attr = (s: SpanRecord, key: string) => s.attributes[key];

  it('Vercel AI SDK (GenAI mode): the agent span repeats its calls\' usage; the graph counts each call once', () => {
    const recs = loadSpans(genai('vercel-ai-genai.otlp.json'));
    const g = buildTraceGraph(runFromRecords(recs, { overrides: FLAT }));
    const agentSpan = recs.find((s) => attr(s, 'gen_ai.operation.name') === 'invoke_agent')!;
    const chats = recs.filter((s) => attr(s, 'gen_ai.operation.name') === 'chat');
    const toolSpan = recs.find((s) => attr(s, 'gen_ai.operation.name') === 'execute_tool')!;
    const AGENT = graphNodeId('agent', attr(agentSpan, 'gen_ai.agent.name') as string);
    const MODEL = graphNodeId('model', attr(chats[0]!, 'gen_ai.response.model') as string, attr(chats[0]!, 'gen_ai.provider.name') as string);
    const TOOL = graphNodeId('tool', attr(toolSpan, 'gen_ai.tool.name') as string);
    expect(edges(g)).toEqual([`${AGENT} -> ${MODEL} calls ×${chats.length}`, `${AGENT} -> ${TOOL} calls ×1`].sort());
    const input = chats.reduce((n, s) => n + (attr(s, 'gen_ai.usage.input_tokens') as number), 0);
    const output = chats.reduce((n, s) => n + (attr(s, 'gen_ai.usage.output_tokens') as number), 0);
    // The agent span reports the same sums: counted, they would double the cost.
    expect([attr(agentSpan, 'gen_ai.usage.input_tokens'), attr(agentSpan, 'gen_ai.usage.output_tokens')]).toEqual([input, output]);
    expect(g.nodes.find((n) => n.id === MODEL)).toMatchObject({ calls: 2, cost: { costUsd: usd(input, output), pricedCount: 2 } });
    expect(g.nodes.find((n) => n.id === AGENT)!.cost).toMatchObject({ costUsd: usd(input, output), pricedCount: 2 });
  });

  it('OpenInference + the Anthropic SDK\'s own spans (two spans per call): 2 model calls, not 4', () => {
    const recs = loadSpans(genai('anthropic-openinference-sdk-default.otlp.json'));
    const g = buildTraceGraph(runFromRecords(recs));
    const llmSpans = recs.filter((s) => attr(s, 'openinference.span.kind') === 'LLM');
    const agentName = attr(recs.find((s) => attr(s, 'openinference.span.kind') === 'AGENT')!, 'agent.name') as string;
    const models = g.nodes.filter((n) => n.kind === 'model');
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: attr(llmSpans[0]!, 'llm.model_name'), provider: 'anthropic', calls: llmSpans.length });
    expect(edges(g)).toEqual([`${graphNodeId('agent', agentName)} -> ${models[0]!.id} calls ×2`, `${graphNodeId('agent', agentName)} -> ${graphNodeId('tool', 'get_weather')} calls ×1`].sort());
  });
});

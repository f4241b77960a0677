/**
 * The agent graph builder (src/core/graph/buildGraph.ts) on synthetic runs: OTel GenAI span records
 * normalized by the real `normalizeSpan` and priced by the real `computeTraceUsage` with price
 * overrides whose arithmetic is written out below (test/unit/diagnostics/support.ts).
 */
import { describe, expect, it } from 'vitest';
import { AgentGraphBuilder, buildTraceGraph, graphNodeId } from '../../../src/core/graph/buildGraph';
import { MAX_GRAPH_NODE_SPANS, type AgentGraph, type AgentGraphNode } from '../../../src/model/agentGraph';
import type { PriceOverride } from '../../../src/model/cost';
import type { Attributes } from '../../../src/model/trace';
import { agent, chat, run, sid, tool, type SpanSpec } from '../diagnostics/support';

/** $1 per 1M input tokens, $10 per 1M output tokens for every model: cost = in·1e-6 + out·1e-5. */
const FLAT: PriceOverride[] = [{ match: '/.*/', inputPerMTok: 1, outputPerMTok: 10 }];

const AGENT = (name: string) => graphNodeId('agent', name);
const TOOL = (name: string) => graphNodeId('tool', name);
const MODEL = (name: string, provider = 'openai') => graphNodeId('model', name, provider);

function node(g: AgentGraph, id: string): AgentGraphNode {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in ${g.nodes.map((x) => x.id).join(', ')}`);
  return n;
}
function edges(g: AgentGraph): string[] {
  return g.edges.map((e) => `${e.from} -> ${e.to} ${e.kind} ×${e.count}${e.errors ? ` (${e.errors} failed)` : ''}`);
}

describe('an agent calling one tool 4 times (model → tool → model … loop)', () => {
  // Agent "looper": chat, then 4 × (get_page, chat): 5 model calls, 4 tool calls, the 3rd tool call fails.
  const specs: SpanSpec[] = [{ id: 'L-a', start: 0, dur: 10_000, attributes: agent('looper') }];
  specs.push({ id: 'L-c0', parent: 'L-a', start: 10, dur: 100, attributes: chat({ input: 1000, output: 100 }) });
  for (let i = 1; i <= 4; i++) {
    specs.push({ id: `L-t${i}`, parent: 'L-a', start: i * 1000, dur: i * 10, status: i === 3 ? 'error' : 'unset', attributes: tool('get_page', { page: i }) });
    specs.push({ id: `L-c${i}`, parent: 'L-a', start: i * 1000 + 500, dur: 100 + i * 100, attributes: chat({ input: 1000, output: 100 }) });
  }
  const g = buildTraceGraph(run(specs, { overrides: FLAT }));

  it('has one node per agent, tool and model, and edges with the call counts', () => {
    expect(g.nodes.map((n) => n.id)).toEqual([AGENT('looper'), TOOL('get_page'), MODEL('gpt-4o-mini')]);
    expect(edges(g)).toEqual([`${AGENT('looper')} -> ${TOOL('get_page')} calls ×4 (1 failed)`, `${AGENT('looper')} -> ${MODEL('gpt-4o-mini')} calls ×5`]);
    expect(g.nodesOmitted).toBe(0);
    expect(g.traceCount).toBe(1);
  });

  it('counts calls and errors, and lists the spans in start order', () => {
    const t = node(g, TOOL('get_page'));
    expect(t).toMatchObject({ kind: 'tool', name: 'get_page', calls: 4, errors: 1, spanIdsCapped: false, traceCount: 1 });
    expect(t.spanIds).toEqual([1, 2, 3, 4].map((i) => sid(`L-t${i}`)));
    expect(node(g, AGENT('looper'))).toMatchObject({ calls: 1, errors: 0, spanIds: [sid('L-a')] });
    expect(node(g, MODEL('gpt-4o-mini'))).toMatchObject({ calls: 5, errors: 0, provider: 'openai' });
  });

  it('p50 latency by nearest rank', () => {
    // Tool durations 10, 20, 30, 40 ms: rank ⌈0.5 · 4⌉ = 2 → 20 ms.
    expect(node(g, TOOL('get_page')).p50Ms).toBe(20);
    // Model durations 100, 200, 300, 400, 500 ms: rank ⌈0.5 · 5⌉ = 3 → 300 ms.
    expect(node(g, MODEL('gpt-4o-mini')).p50Ms).toBe(300);
  });

  it('costs: the model its 5 calls, the agent the same (its calls), the tool none', () => {
    // 5 × (1000 · 1e-6 + 100 · 1e-5) = 5 × 0.002 = 0.01 USD.
    expect(node(g, MODEL('gpt-4o-mini')).cost).toMatchObject({ costUsd: 0.01, isLowerBound: false, pricedCount: 5 });
    expect(node(g, AGENT('looper')).cost).toMatchObject({ costUsd: 0.01, pricedCount: 5 });
    expect(node(g, TOOL('get_page')).cost).toBeNull();
  });
});

describe('hand-offs and sub-agents', () => {
  // OpenAI Agents shape: a workflow root; the agents are siblings; a `handoff` span inside the
  // agent that hands off. Triage → Billing → Triage (back), then Triage answers.
  const handoffs: SpanSpec[] = [
    { id: 'H-root', start: 0, dur: 9000, name: 'Support workflow' },
    { id: 'H-a1', parent: 'H-root', start: 10, dur: 1000, name: 'invoke_agent Triage', attributes: agent('Triage') },
    { id: 'H-c1', parent: 'H-a1', start: 20, dur: 300, attributes: chat({ input: 100, output: 10 }) },
    { id: 'H-h1', parent: 'H-a1', start: 400, dur: 1, name: 'handoff Triage -> Billing' },
    { id: 'H-a2', parent: 'H-root', start: 1100, dur: 2000, name: 'invoke_agent Billing', attributes: agent('Billing') },
    { id: 'H-c2', parent: 'H-a2', start: 1110, dur: 300, attributes: chat({ input: 100, output: 10 }) },
    { id: 'H-t2', parent: 'H-a2', start: 1500, dur: 50, attributes: tool('refund', { order: 7 }) },
    { id: 'H-c3', parent: 'H-a2', start: 1600, dur: 300, attributes: chat({ input: 100, output: 10 }) },
    // The SDK names an unknown agent "?": the from side is then the agent the span is in.
    { id: 'H-h2', parent: 'H-a2', start: 2000, dur: 1, name: 'handoff ? -> Triage' },
    { id: 'H-a3', parent: 'H-root', start: 3200, dur: 1000, name: 'invoke_agent Triage', attributes: agent('Triage') },
    { id: 'H-c4', parent: 'H-a3', start: 3210, dur: 300, attributes: chat({ input: 100, output: 10 }) },
  ];
  const g = buildTraceGraph(run(handoffs, { overrides: FLAT }));

  it('hand-offs both ways are a cycle between the two agents', () => {
    expect(edges(g)).toEqual([
      `${AGENT('Triage')} -> ${AGENT('Billing')} handoff ×1`,
      `${AGENT('Billing')} -> ${AGENT('Triage')} handoff ×1`,
      `${AGENT('Billing')} -> ${TOOL('refund')} calls ×1`,
      `${AGENT('Triage')} -> ${MODEL('gpt-4o-mini')} calls ×2`,
      `${AGENT('Billing')} -> ${MODEL('gpt-4o-mini')} calls ×2`,
    ]);
    expect(node(g, AGENT('Triage'))).toMatchObject({ calls: 2, spanIds: [sid('H-a1'), sid('H-a3')] });
    expect(node(g, AGENT('Billing')).calls).toBe(1);
  });

  it('no entry node when every call is made inside an agent', () => {
    expect(g.nodes.some((n) => n.kind === 'entry')).toBe(false);
  });

  it('a nested agent is called by the agent it runs in; an agent run inside a tool, by the tool', () => {
    const nested = buildTraceGraph(
      run([
        { id: 'N-p', start: 0, dur: 5000, attributes: agent('Planner') },
        { id: 'N-r', parent: 'N-p', start: 10, dur: 1000, attributes: agent('Researcher') },
        { id: 'N-c1', parent: 'N-r', start: 20, dur: 100, attributes: chat({ input: 10, output: 1 }) },
        { id: 'N-t', parent: 'N-p', start: 2000, dur: 1000, attributes: tool('ask_writer') },
        { id: 'N-w', parent: 'N-t', start: 2010, dur: 900, attributes: agent('Writer') },
        { id: 'N-c2', parent: 'N-w', start: 2020, dur: 100, attributes: chat({ input: 10, output: 1 }) },
      ]),
    );
    expect(edges(nested)).toEqual([
      `${AGENT('Planner')} -> ${AGENT('Researcher')} calls ×1`,
      `${TOOL('ask_writer')} -> ${AGENT('Writer')} calls ×1`,
      `${AGENT('Planner')} -> ${TOOL('ask_writer')} calls ×1`,
      `${AGENT('Researcher')} -> ${MODEL('gpt-4o-mini')} calls ×1`,
      `${AGENT('Writer')} -> ${MODEL('gpt-4o-mini')} calls ×1`,
    ]);
  });
});

describe('errors, costs counted once, the entry node', () => {
  it('a failed model call is an error of the model node and of its edge', () => {
    const g = buildTraceGraph(
      run([
        { id: 'E-a', start: 0, dur: 1000, attributes: agent('a') },
        { id: 'E-c1', parent: 'E-a', start: 10, dur: 100, status: 'error', attributes: chat({}) },
        { id: 'E-c2', parent: 'E-a', start: 200, dur: 100, attributes: chat({ input: 10, output: 1 }) },
      ]),
    );
    expect(node(g, MODEL('gpt-4o-mini'))).toMatchObject({ calls: 2, errors: 1 });
    expect(g.edges.find((e) => e.to === MODEL('gpt-4o-mini'))).toMatchObject({ count: 2, errors: 1 });
    expect(node(g, AGENT('a')).errors).toBe(0);
  });

  it('a wrapper span over a model call is not a second call and its usage is not added', () => {
    // A LangChain-style LLM span (same model, same usage) over the provider instrumentation's chat span.
    const g = buildTraceGraph(
      run(
        [
          { id: 'W-a', start: 0, dur: 1000, attributes: agent('wrapped') },
          { id: 'W-w', parent: 'W-a', start: 10, dur: 500, attributes: chat({ input: 2000, output: 300 }) },
          { id: 'W-c', parent: 'W-w', start: 20, dur: 400, attributes: chat({ input: 2000, output: 300 }) },
        ],
        { overrides: FLAT },
      ),
    );
    // One call: 2000 · 1e-6 + 300 · 1e-5 = 0.005 USD (not 0.01).
    expect(node(g, MODEL('gpt-4o-mini'))).toMatchObject({ calls: 1, spanIds: [sid('W-c')], p50Ms: 400 });
    expect(node(g, MODEL('gpt-4o-mini')).cost).toMatchObject({ costUsd: 0.005, pricedCount: 1 });
    expect(node(g, AGENT('wrapped')).cost).toMatchObject({ costUsd: 0.005, pricedCount: 1 });
  });

  it('an unpriced call makes the costs lower bounds', () => {
    const g = buildTraceGraph(
      run([
        { id: 'U-a', start: 0, dur: 1000, attributes: agent('mixed') },
        { id: 'U-c1', parent: 'U-a', start: 10, dur: 100, attributes: chat({ input: 1000, output: 100 }) },
        { id: 'U-c2', parent: 'U-a', start: 200, dur: 100, attributes: chat({ model: 'in-house-llm-7', input: 1000, output: 100 }) },
      ], { overrides: [{ match: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 10 }] }),
    );
    expect(node(g, MODEL('in-house-llm-7')).cost).toMatchObject({ costUsd: 0, isLowerBound: true, unpricedCount: 1, pricedCount: 0 });
    expect(node(g, AGENT('mixed')).cost).toMatchObject({ costUsd: 0.002, isLowerBound: true, pricedCount: 1, unpricedCount: 1 });
  });

  it('without agents, calls hang under an entry node named after the root span; a model call inside a tool is the tool\'s', () => {
    const g = buildTraceGraph(
      run(
        [
          { id: 'R-root', start: 0, dur: 3000, name: 'POST /ask', status: 'error' },
          { id: 'R-c1', parent: 'R-root', start: 10, dur: 100, attributes: chat({ input: 1000, output: 100 }) },
          { id: 'R-t', parent: 'R-root', start: 200, dur: 800, attributes: tool('search_docs') },
          { id: 'R-e', parent: 'R-t', start: 210, dur: 100, attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 3000 } as Attributes },
          { id: 'R-c2', parent: 'R-root', start: 1100, dur: 100, attributes: chat({ input: 1000, output: 100 }) },
        ],
        { overrides: FLAT },
      ),
    );
    const entry = graphNodeId('entry', 'POST /ask');
    expect(g.nodes.map((n) => n.id)).toEqual([entry, TOOL('search_docs'), MODEL('gpt-4o-mini'), MODEL('text-embedding-3-small')]);
    expect(edges(g)).toEqual([
      `${entry} -> ${TOOL('search_docs')} calls ×1`,
      `${entry} -> ${MODEL('gpt-4o-mini')} calls ×2`,
      `${TOOL('search_docs')} -> ${MODEL('text-embedding-3-small')} calls ×1`,
    ]);
    expect(node(g, entry)).toMatchObject({ kind: 'entry', calls: 1, errors: 1, spanIds: [sid('R-root')], p50Ms: 3000 });
    // Entry: everything (2 × 0.002 + 3000 · 1e-6 = 0.007); the tool: its embeddings call (0.003).
    expect(node(g, entry).cost?.costUsd).toBe(0.007);
    expect(node(g, TOOL('search_docs')).cost?.costUsd).toBe(0.003);
  });

  it('agents and calls outside them: the entry calls the outer agent and makes the outside call itself', () => {
    const g = buildTraceGraph(
      run([
        { id: 'X-root', start: 0, dur: 2000, name: 'POST /chat' },
        { id: 'X-g', parent: 'X-root', start: 10, dur: 100, attributes: chat({ model: 'gpt-4o-mini', input: 10, output: 1 }) },
        { id: 'X-a', parent: 'X-root', start: 200, dur: 1500, attributes: agent('helper') },
        { id: 'X-c', parent: 'X-a', start: 210, dur: 100, attributes: chat({ model: 'gpt-4o', input: 10, output: 1 }) },
      ]),
    );
    const entry = graphNodeId('entry', 'POST /chat');
    expect(edges(g)).toEqual([`${entry} -> ${AGENT('helper')} calls ×1`, `${entry} -> ${MODEL('gpt-4o-mini')} calls ×1`, `${AGENT('helper')} -> ${MODEL('gpt-4o')} calls ×1`]);
  });

  it('a tool span seen twice (a second instrumentation) is one call listing both spans', () => {
    const g = buildTraceGraph(
      run([
        { id: 'D-a', start: 0, dur: 1000, attributes: agent('a') },
        { id: 'D-t', parent: 'D-a', start: 10, dur: 500, attributes: tool('lookup', { q: 1 }, undefined, 'call_1') },
        { id: 'D-t2', parent: 'D-t', start: 20, dur: 400, status: 'error', attributes: tool('lookup', { q: 1 }, undefined, 'call_1') },
      ]),
    );
    expect(node(g, TOOL('lookup'))).toMatchObject({ calls: 1, errors: 1, spanIds: [sid('D-t'), sid('D-t2')], p50Ms: 500 });
    expect(g.edges).toHaveLength(1);
  });

  it(`lists at most ${MAX_GRAPH_NODE_SPANS} spans per node and says so`, () => {
    const specs: SpanSpec[] = [{ id: 'C-a', start: 0, dur: 100_000, attributes: agent('busy') }];
    for (let i = 0; i < 600; i++) specs.push({ id: `C-t${i}`, parent: 'C-a', start: 1 + i, dur: 1, attributes: tool('ping') });
    const n = node(buildTraceGraph(run(specs)), TOOL('ping'));
    expect(n.calls).toBe(600);
    expect(n.spanIds).toHaveLength(MAX_GRAPH_NODE_SPANS);
    expect(n.spanIdsCapped).toBe(true);
  });

  it('a trace without GenAI spans has an empty graph', () => {
    const g = buildTraceGraph(run([{ id: 'P-root', start: 0, dur: 10, name: 'GET /' }, { id: 'P-db', parent: 'P-root', start: 1, dur: 5, name: 'SELECT' }]));
    expect(g.nodes).toEqual([]);
    expect(g.edges).toEqual([]);
  });
});

describe('a session: runs added up', () => {
  const runOf = (n: number, fail: boolean) =>
    run(
      [
        { id: `S${n}-a`, start: 0, dur: 1000 * n, attributes: agent('helper') },
        { id: `S${n}-c`, parent: `S${n}-a`, start: 10, dur: 100, attributes: chat({ input: 1000, output: 100 }) },
        { id: `S${n}-t`, parent: `S${n}-a`, start: 200, dur: 100, status: fail ? 'error' : 'unset', attributes: tool('lookup') },
      ],
      { overrides: FLAT, traceId: `${n}`.padStart(32, '0') },
    );

  it('sums counts, errors and costs; span ids only of the focus trace; p50 over all runs', () => {
    const runs = [runOf(1, false), runOf(2, true), runOf(3, false)];
    const builder = new AgentGraphBuilder(runs[1]!.traceId);
    for (const r of runs) builder.addRun(r);
    const g = builder.build({ kind: 'session', sessionId: 's1' });
    expect(g).toMatchObject({ scope: { kind: 'session', sessionId: 's1' }, traceCount: 3, truncated: false });
    expect(node(g, AGENT('helper'))).toMatchObject({ calls: 3, traceCount: 3, spanIds: [sid('S2-a')], p50Ms: 2000 });
    expect(node(g, TOOL('lookup'))).toMatchObject({ calls: 3, errors: 1, spanIds: [sid('S2-t')] });
    expect(node(g, MODEL('gpt-4o-mini')).cost).toMatchObject({ costUsd: 0.006, pricedCount: 3 });
    expect(edges(g)).toEqual([`${AGENT('helper')} -> ${TOOL('lookup')} calls ×3 (1 failed)`, `${AGENT('helper')} -> ${MODEL('gpt-4o-mini')} calls ×3`]);
  });
});

// @ts-check
// Node-side checks of the webview's pure modules (tree model, formatting, GenAI formatting), bundled with esbuild
// the same way the webview is, so no DOM is needed. Used by check.mjs.
import { importBundled } from './page.mjs';

/** @typedef {import('../../src/model/trace').SkeletonSpan} SkeletonSpan */
/** @typedef {import('../../src/model/genai').GenAiBadge} GenAiBadge */
/** @typedef {import('../../webview/trace/tree').TraceTree} TraceTree */

/**
 * A TypeScript module bundled for a neutral platform (no DOM, no Node).
 * @param {string} entry
 */
const importTs = (entry) => importBundled(entry, 'neutral');

/**
 * @param {string} spanId
 * @param {string | null} parentSpanId
 * @param {number} startOffsetMs
 * @param {Partial<SkeletonSpan>} [extra]
 * @returns {SkeletonSpan}
 */
const span = (spanId, parentSpanId, startOffsetMs, extra = {}) => ({
  spanId,
  parentSpanId,
  name: `span ${spanId}`,
  kind: 'internal',
  statusCode: 'unset',
  serviceName: 'svc',
  startOffsetMs,
  durationMs: 1,
  eventCount: 0,
  hasException: false,
  ...extra,
});
/** @param {SkeletonSpan[]} spans */
const trace = (spans) => ({ traceId: 'a'.repeat(32), startTimeUnixNano: '1000000000', durationMs: 10, spans });

/**
 * Runs the Node-side checks, logging each; returns the counts.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function runModelChecks({ log = console.log } = {}) {
  const { TraceTree } = /** @type {typeof import('../../webview/trace/tree')} */ (await importTs('webview/trace/tree.ts'));
  const f = /** @type {typeof import('../../src/model/format')} */ (await importTs('src/model/format.ts'));
  /** @type {{ name: string, ok: boolean, error?: unknown }[]} */
  const results = [];
  /**
   * @param {string} name
   * @param {() => void} fn
   */
  const check = (name, fn) => {
    try {
      fn();
      results.push({ name, ok: true });
      log(`  ok   ${name}`);
    } catch (e) {
      results.push({ name, ok: false, error: e });
      log(`  FAIL ${name}\n       ${String(e instanceof Error ? (e.stack ?? e) : e).split('\n').slice(0, 3).join('\n       ')}`);
    }
  };
  /**
   * @param {unknown} a
   * @param {unknown} b
   * @param {string} msg
   */
  const eq = (a, b, msg) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
  };
  /** @param {TraceTree} t */
  const ids = (t) => Array.from({ length: t.visibleCount }, (_, r) => t.nodes[t.nodeAtRow(r)].span.spanId);

  check('tree: children listed before their parents still nest, siblings by start time', () => {
    const t = new TraceTree(trace([span('c2', 'p', 3), span('c1', 'p', 2), span('g', 'c1', 2.5), span('p', null, 0)]), new Set());
    eq(ids(t), ['p', 'c1', 'g', 'c2'], 'pre-order');
    eq(t.nodes.map((n) => n.depth), [0, 1, 2, 1], 'depths');
    eq(t.nodes[0].subtreeEnd, 4, 'root subtree');
    eq([t.nodes[1].posInSet, t.nodes[1].setSize, t.nodes[3].posInSet], [1, 2, 2], 'aria positions');
  });

  check('tree: spans whose parent is not in the trace hang under one placeholder per missing parent', () => {
    const t = new TraceTree(trace([span('r', null, 0, { statusCode: 'error' }), span('o', 'ffffffffffffffff', 1), span('k', 'o', 2), span('o2', 'ffffffffffffffff', 3), span('x', 'eeeeeeeeeeeeeeee', 4)]), new Set());
    eq(ids(t), ['r', 'ffffffffffffffff', 'o', 'k', 'o2', 'eeeeeeeeeeeeeeee', 'x'], 'order');
    eq(t.nodes.map((n) => [n.depth, n.placeholder, n.missingParent]), [[0, false, false], [0, true, false], [1, false, false], [2, false, false], [1, false, false], [0, true, false], [1, false, false]], 'placeholder flags');
    eq(t.nodes[1].span.name, 'Missing parent span', 'placeholder name');
    eq([t.nodes[1].span.startOffsetMs, t.nodes[1].span.durationMs], [1, 3], 'placeholder covers its children');
    eq([t.size, t.spanCount, t.errorCount], [7, 5, 1], 'placeholders are rows, not spans');
    eq([t.isPlaceholder('ffffffffffffffff'), t.isPlaceholder('o')], [true, false], 'isPlaceholder');
  });

  check('tree: parent cycles and duplicate ids do not lose or loop spans', () => {
    const t = new TraceTree(trace([span('a', 'b', 0), span('b', 'a', 1), span('c', 'a', 2), span('c', null, 3), span('self', 'self', 4)]), new Set());
    eq(t.size, 5, 'every span shown once');
    eq(t.nodes.filter((n) => n.missingParent).length, 2, 'cycle broken once, self-parent once');
  });

  check('tree: collapse, expand, reveal and rowOfNode', () => {
    const t = new TraceTree(trace([span('r', null, 0), span('a', 'r', 1), span('a1', 'a', 1.5), span('b', 'r', 2)]), new Set(['a']));
    eq(ids(t), ['r', 'a', 'b'], 'collapsed from the id set');
    const a1 = /** @type {number} */ (t.indexBySpanId.get('a1'));
    eq(t.rowOfNode(a1), -1, 'hidden node has no row');
    t.revealNode(a1);
    eq(ids(t), ['r', 'a', 'a1', 'b'], 'reveal expands ancestors');
    t.setCollapsed(0, true);
    eq(ids(t), ['r'], 'collapse root');
    eq(t.collapsedSpanIds(), ['r'], 'collapsed ids');
    t.setAllCollapsed(false);
    eq(t.visibleCount, 4, 'expand all');
  });

  check('tree: error counts, descendant errors, services and time scale', () => {
    const t = new TraceTree(
      trace([span('r', null, 0), span('a', 'r', 1, { statusCode: 'error', serviceName: 'other' }), span('b', 'a', 2, { durationMs: 50, serviceName: 'other' })]),
      new Set(),
    );
    eq(t.errorCount, 1, 'errors');
    eq(t.nodes[0].descendantError, true, 'root has an error below');
    eq(t.nodes.map((n) => n.showService), [false, true, false], 'service shown where it changes');
    eq(t.services, ['svc', 'other'], 'palette order');
    eq(t.scaleMs, 52, 'scale covers every span');
  });

  check('tree: 10,000 spans build, and collapse/expand the root (model only)', () => {
    /** @type {SkeletonSpan[]} */
    const spans = [span('root', null, 0)];
    for (let i = 1; i < 10000; i++) spans.push(span(`s${i}`, i % 10 === 1 ? 'root' : `s${i - (i % 10) + 1}`, i));
    const t0 = performance.now();
    const t = new TraceTree(trace(spans), new Set());
    const built = performance.now() - t0;
    const t1 = performance.now();
    t.setCollapsed(0, true);
    const collapsed = performance.now() - t1;
    const t2 = performance.now();
    t.setCollapsed(0, false);
    const expanded = performance.now() - t2;
    log(`       build ${built.toFixed(1)} ms (cold), collapse ${collapsed.toFixed(3)} ms, expand ${expanded.toFixed(3)} ms`);
    eq(t.visibleCount, 10000, 'all visible again');
  });

  check('format: durations, offsets, ticks', () => {
    eq([f.formatDuration(0.0005), f.formatDuration(0.25), f.formatDuration(12.345), f.formatDuration(999.4), f.formatDuration(1500), f.formatDuration(125000), f.formatDuration(3723000)], ['500ns', '250µs', '12.3ms', '999ms', '1.5s', '2m 05s', '1h 02m'], 'formatDuration');
    eq(f.formatOffset(-2), '−2ms', 'negative offset');
    const { stepMs, ticksMs } = f.niceTicks(4870, 5);
    eq([stepMs, ticksMs.length], [1000, 5], 'nice ticks');
    eq([f.formatTick(0, 500), f.formatTick(1500, 500), f.formatTick(250, 50), f.formatTick(0.2, 0.1)], ['0', '1.5s', '250ms', '200µs'], 'tick labels');
    eq(f.nanoDiffMs('1000000000', '1002500000'), 2.5, 'nanoDiffMs');
    eq(f.severityName(17, ''), 'ERROR', 'severity');
    eq(f.severityName(10, ''), 'INFO2', 'severity sub-level');
    eq(f.formatLocalTime('not a number'), '—', 'bad time');
  });

  const g = /** @type {typeof import('../../src/model/genaiFormat')} */ (await importTs('src/model/genaiFormat.ts'));
  check('genai format: row suffix (model, tokens, agent/tool names without repeating the span name)', () => {
    /** @type {GenAiBadge} */
    const llm = { kind: 'llm', model: 'gpt-4o-mini-2024-07-18', inputTokens: 412, outputTokens: 61 };
    eq(g.genaiRowSuffix(llm, 'chat gpt-4o-mini'), '412 in · 61 out', 'model implied by the span name');
    eq(g.genaiRowSuffix(llm, 'ChatOpenAI'), 'gpt-4o-mini-2024-07-18 · 412 in · 61 out', 'model shown');
    eq(g.genaiRowSuffix({ kind: 'agent', agentName: 'planner' }, 'invoke_agent planner'), '', 'agent name already in the span name');
    eq(g.genaiRowSuffix({ kind: 'agent', agentName: 'planner', inputTokens: 20000, outputTokens: 1500, usageIsAggregate: true }, 'LangGraph'), 'planner · Σ 20k in · 1,500 out', 'agent name and aggregate usage');
    eq(g.genaiRowSuffix({ kind: 'tool', toolName: 'get_weather' }, 'ai.toolCall'), 'get_weather', 'tool name');
    eq(g.genaiRowSuffix({ kind: 'embeddings', inputTokens: 9 }, 'embeddings'), '9 in', 'input tokens only');
  });
  check('genai format: token counts, icons, shortening', () => {
    eq([g.formatTokenCount(999), g.formatTokenCount(9876), g.formatTokenCount(12345), g.formatTokenCount(234567), g.formatTokenCount(1234567)], ['999', '9,876', '12.3k', '235k', '1.2M'], 'formatTokenCount');
    eq(/** @type {const} */ (['llm', 'tool', 'agent', 'retriever', 'embeddings', 'workflow']).map(g.genaiKindIcon), ['sparkle', 'tools', 'robot', 'search', 'symbol-array', 'type-hierarchy'], 'icons');
    eq(g.shortenText('What is\n the   weather in Paris right now?', 20), 'What is the weather…', 'shortenText');
    eq(g.usageTotal({ inputTokens: 3, outputTokens: 4 }), 7, 'usageTotal');
  });

  return { passed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length };
}

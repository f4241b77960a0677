/**
 * The Graph tab's layout (webview/trace/graphLayout.ts) in Node: the node text (stats line, edge
 * labels, names cut to the box), the dagre layout of a graph with a cycle (every box placed, no
 * two boxes overlapping, routes that start and end on their boxes, the flow left to right), and
 * where the arrow keys go. Text is measured by a fixed-width stand-in (7 px per character).
 */
import { describe, expect, it } from 'vitest';
import * as dagre from '@dagrejs/dagre';
import type { AgentGraph, AgentGraphEdge, AgentGraphNode } from '../../../src/model/agentGraph';
import { NODE_H, NODE_MAX_W, NODE_MIN_W, edgeLabel, fitText, layoutGraph, nodeInDirection, nodeStats, roundedPath, type Measure } from '../../../webview/trace/graphLayout';

const measure: Measure = (text) => text.length * 7;

function node(id: string, extra: Partial<AgentGraphNode> = {}): AgentGraphNode {
  const [kind, name] = id.split(':') as [AgentGraphNode['kind'], string];
  return { id, kind, name, calls: 1, errors: 0, cost: null, p50Ms: 100, spanIds: [], spanIdsCapped: false, traceCount: 1, ...extra };
}
function edge(from: string, to: string, count = 1, kind: AgentGraphEdge['kind'] = 'calls', errors = 0): AgentGraphEdge {
  return { id: `${from}->${to}:${kind}`, from, to, kind, count, errors };
}
function graph(nodes: AgentGraphNode[], edges: AgentGraphEdge[]): AgentGraph {
  return { scope: { kind: 'trace', traceId: '1'.repeat(32) }, traceCount: 1, truncated: false, nodes, edges, nodesOmitted: 0 };
}

describe('node and edge text', () => {
  it('stats: calls (runs for agents), errors, cost (≥ when a call is unpriced, "no price" when none is priced), p50', () => {
    expect(nodeStats(node('tool:lookup', { calls: 4, errors: 1, p50Ms: 120 })).map((s) => [s.text, !!s.error])).toEqual([
      ['4 calls', false],
      ['1 error', true],
      ['p50 120ms', false],
    ]);
    const lowerBound = { costUsd: 0.0123, isLowerBound: true, unpricedModels: ['x'], reportedCount: 0, pricedCount: 2, unpricedCount: 1 };
    expect(nodeStats(node('agent:a', { calls: 2, cost: lowerBound, p50Ms: 1500 })).map((s) => s.text)).toEqual(['2 runs', '≥ $0.0123', 'p50 1.5s']);
    const unpriced = { costUsd: 0, isLowerBound: true, unpricedModels: ['x'], reportedCount: 0, pricedCount: 0, unpricedCount: 3 };
    expect(nodeStats(node('model:/x', { calls: 3, cost: unpriced, p50Ms: null })).map((s) => s.text)).toEqual(['3 calls', 'no price']);
  });

  it('edge labels: ×N, hand-offs named, failed calls counted', () => {
    expect(edgeLabel(edge('a', 'b', 4))).toBe('×4');
    expect(edgeLabel(edge('a', 'b', 1, 'handoff'))).toBe('hand-off ×1');
    expect(edgeLabel(edge('a', 'b', 1200, 'calls', 3))).toBe('×1,200 · 3 failed');
  });

  it('fitText cuts with … to the width', () => {
    expect(fitText('short', 100, 13, measure)).toBe('short');
    const cut = fitText('a-very-long-tool-name-that-does-not-fit', 100, 13, measure);
    expect(cut).toBe('a-very-long-t…'); // 13 characters + … = 14 × 7 = 98 px ≤ 100
    expect(measure(cut, 13)).toBeLessThanOrEqual(100);
  });

  it('roundedPath: straight through two points, a curve at each inner corner', () => {
    expect(roundedPath([{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBe('M0,0 L10,0');
    expect(roundedPath([{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }], 10)).toBe('M0,0 L90,0 Q100,0 100,10 L100,100');
  });
});

describe('layout (dagre)', () => {
  // Triage ⇄ Billing hand-offs (a cycle), tools and a model; one very long name.
  const g = graph(
    [node('agent:Triage'), node('agent:Billing'), node('tool:refund'), node(`tool:${'x'.repeat(80)}`), node('model:openai/gpt-4.1-mini')],
    [
      edge('agent:Triage', 'agent:Billing', 1, 'handoff'),
      edge('agent:Billing', 'agent:Triage', 1, 'handoff'),
      edge('agent:Billing', 'tool:refund', 3, 'calls', 1),
      edge('agent:Triage', `tool:${'x'.repeat(80)}`),
      edge('agent:Triage', 'model:openai/gpt-4.1-mini', 2),
      edge('agent:Billing', 'model:openai/gpt-4.1-mini', 4),
    ],
  );
  const l = layoutGraph(g, measure, dagre);

  it('places every node in a box of bounded width, without overlaps, inside the drawing', () => {
    expect(l.nodes).toHaveLength(5);
    for (const b of l.nodes) {
      expect(b.width).toBeGreaterThanOrEqual(NODE_MIN_W);
      expect(b.width).toBeLessThanOrEqual(NODE_MAX_W);
      expect(b.height).toBe(NODE_H);
      expect(b.x - b.width / 2).toBeGreaterThanOrEqual(0);
      expect(b.y - b.height / 2).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width / 2).toBeLessThanOrEqual(l.width);
      expect(b.y + b.height / 2).toBeLessThanOrEqual(l.height);
    }
    for (const a of l.nodes) {
      for (const b of l.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.node.id} overlaps ${b.node.id}`).toBe(true);
      }
    }
    const long = l.nodes.find((b) => b.node.name.length === 80)!;
    expect(long.width).toBe(NODE_MAX_W);
    expect(long.name.endsWith('…')).toBe(true);
  });

  it('routes every edge (both hand-offs of the cycle too) from its source box to its target box', () => {
    expect(l.edges).toHaveLength(6);
    const box = new Map(l.nodes.map((b) => [b.node.id, b]));
    const near = (p: { x: number; y: number }, id: string) => {
      const b = box.get(id)!;
      return Math.abs(p.x - b.x) <= b.width / 2 + 1 && Math.abs(p.y - b.y) <= b.height / 2 + 1;
    };
    for (const r of l.edges) {
      expect(r.points.length).toBeGreaterThanOrEqual(2);
      expect(near(r.points[0]!, r.edge.from), `${r.edge.id} starts off its source`).toBe(true);
      expect(near(r.points[r.points.length - 1]!, r.edge.to), `${r.edge.id} ends off its target`).toBe(true);
    }
    // Calls flow left to right: the callers stand left of their tools and model.
    expect(box.get('agent:Billing')!.x).toBeLessThan(box.get('tool:refund')!.x);
    expect(box.get('agent:Triage')!.x).toBeLessThan(box.get('model:openai/gpt-4.1-mini')!.x);
  });

  it('arrow keys move to the nearest node in that direction, none past the edge', () => {
    const byX = [...l.nodes].sort((a, b) => a.x - b.x);
    const leftmost = byX[0]!.node.id;
    expect(nodeInDirection(l.nodes, leftmost, 'ArrowLeft')).toBeNull();
    const right = nodeInDirection(l.nodes, leftmost, 'ArrowRight');
    expect(right).not.toBeNull();
    expect(l.nodes.find((b) => b.node.id === right)!.x).toBeGreaterThan(byX[0]!.x);
  });
});

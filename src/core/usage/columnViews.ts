/**
 * GenAI views of the spans that the full read of a trace leaves out. `traceGenAiSpans` loads at
 * most `MAX_CONVERSATION_SPANS` GenAI spans with their attributes and log records (what the
 * Conversation tab and the content detectors need); a longer trace's other GenAI spans are read
 * from their columns only (`traceGenAiFacts`: badge and cost columns, no prompts) and given a view
 * with what the run metrics count (src/core/usage/README.md): kind, models, provider, usage,
 * `usageIsAggregate`, reported cost, agent and tool name. So calls, tokens, costs, iterations and
 * tool calls cover every span, and the totals equal the trace's stored ones
 * (src/core/store/usageColumns.ts).
 *
 * What the columns do not keep: the provider and the response model (the badge keeps one model
 * name: the requested one, else the response model). A column view takes them from the first
 * loaded view with the same badge model (a loop calls the same model again and again), else keeps
 * the badge model as the requested model and takes the provider when the loaded model calls all
 * name the same one. Message content, tool arguments and results, events: none (the detectors that
 * read them see the loaded spans only).
 */
import type { GenAiSpanView } from '../../model/genai';
import type { SpanId } from '../../model/trace';
import type { StoredGenAiFacts } from '../store/traceStore';
import type { UsageSpanInput } from './traceUsage';

/** Provider and model names of a loaded view, by the model name its badge shows. */
type Names = Pick<GenAiSpanView, 'provider' | 'requestModel' | 'responseModel'>;

/**
 * Views for the GenAI spans in `facts` (every GenAI span of the trace, `traceGenAiFacts`) that
 * `loaded` (the normalized views of the spans read in full) does not have, in `facts` order.
 */
export function columnViews(facts: readonly StoredGenAiFacts[], loaded: readonly UsageSpanInput[]): UsageSpanInput[] {
  const have = new Set<SpanId>();
  const byBadgeModel = new Map<string, Names>();
  const providers = new Set<string>();
  for (const { spanId, view } of loaded) {
    have.add(spanId);
    if (!view) continue;
    const model = view.requestModel ?? view.responseModel;
    if (model !== undefined && !byBadgeModel.has(model)) byBadgeModel.set(model, namesOf(view));
    if ((view.kind === 'llm' || view.kind === 'embeddings') && view.provider !== undefined) providers.add(view.provider);
  }
  const onlyProvider = providers.size === 1 ? [...providers][0] : undefined;
  const out: UsageSpanInput[] = [];
  for (const f of facts) {
    if (have.has(f.spanId)) continue;
    const { badge, call } = f;
    const view: GenAiSpanView = { kind: badge.kind, conventions: [] };
    if (badge.model !== undefined) {
      const names = byBadgeModel.get(badge.model);
      if (names) Object.assign(view, names);
      else {
        view.requestModel = badge.model;
        if (onlyProvider !== undefined) view.provider = onlyProvider;
      }
    }
    if (call) {
      if (call.usage) view.usage = call.usage;
      if (call.aggregate) view.usageIsAggregate = true;
      if (call.status === 'reported' && call.costUsd !== undefined) view.reportedCostUsd = call.costUsd;
    }
    if (badge.agentName !== undefined) view.agentName = badge.agentName;
    if (badge.toolName !== undefined) view.tool = { name: badge.toolName };
    out.push({ spanId: f.spanId, view });
  }
  return out;
}

function namesOf(view: GenAiSpanView): Names {
  const names: Names = {};
  if (view.provider !== undefined) names.provider = view.provider;
  if (view.requestModel !== undefined) names.requestModel = view.requestModel;
  if (view.responseModel !== undefined) names.responseModel = view.responseModel;
  return names;
}

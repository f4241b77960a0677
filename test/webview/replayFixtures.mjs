// @ts-check
// Requests for the replay playground's checks, built in Node (bundled by the harness with esbuild)
// from real recordings through the extension's own code: the OpenInference capture of an OpenAI
// tool-calling run (test/fixtures/genai/openinference.otlp.json, its second model call: system,
// user, the assistant's tool call, the tool result, one tool definition, temperature and
// max_tokens) decoded by the OTLP/JSON decoder, normalized by src/core/genai and priced by
// src/core/pricing; and the "conventions" trace's second model call (conventionFixtures.mjs: an
// image sent as OTel `blob` and `uri` parts, system instructions only by reference). The
// ReplayRequest around them is assembled here by hand (src/core/replay is another helper's).
// `rawSpanAttributes` reads the capture file directly, so the checks compare the view with the
// recording itself, not with what our code made of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTracesJson } from '../../src/core/otlp/jsonDecoder.ts';
import { normalizeSpan } from '../../src/core/genai/normalize.ts';
import { priceCall, priceInputFromView } from '../../src/core/pricing/priceCall.ts';
import { CONVENTION_SPANS, makeConventionsTrace } from './conventionFixtures.mjs';

/** @typedef {import('../../src/model/replay').ReplayRequest} ReplayRequest */
/** @typedef {import('../../src/model/genai').GenAiSpanView} GenAiSpanView */
/** @typedef {import('../../src/protocol/replayView').ReplayProviderChoice} ReplayProviderChoice */
/** @typedef {Extract<import('../../src/protocol/replayView').ReplayViewEvent, { type: 'init' }>} InitEvent */

/** The repository root (the harness runs from it; bundled modules have no file URL of their own). */
let root = process.cwd();
/**
 * Sets the repository root the capture files are read from.
 * @param {string} dir
 */
export function setFixtureRoot(dir) {
  root = dir;
}
export const OPENINFERENCE_FILE = 'test/fixtures/genai/openinference.otlp.json';
/** The capture's second model call (after the tool ran). */
export const OI_SPAN_ID = '5771537cbdaf7708';
/** Markup that must be shown as text, never parsed. */
export const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

/** Providers as the host would list them from `traceLens.replay.providers` (no keys, only whether one is stored). */
/** @type {ReplayProviderChoice[]} */
export const PROVIDERS = [
  { name: 'OpenAI', kind: 'openai', hasKey: true, defaultModel: 'gpt-4o-mini' },
  { name: 'Local Ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', hasKey: false, defaultModel: 'llama3.2' },
  { name: 'Anthropic', kind: 'anthropic', hasKey: true, defaultModel: 'claude-3-5-haiku-latest' },
];

/**
 * The attributes of one span of an OTLP/JSON capture, straight from the file: key → the AnyValue's
 * scalar (`stringValue`, `intValue` as a number, `doubleValue`, `boolValue`).
 * @param {string} file
 * @param {string} spanId
 * @returns {Record<string, string | number | boolean>}
 */
export function rawSpanAttributes(file, spanId) {
  const doc = JSON.parse(readFileSync(join(root, file), 'utf8'));
  for (const rs of doc.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (s.spanId !== spanId) continue;
        /** @type {Record<string, string | number | boolean>} */
        const out = {};
        for (const a of s.attributes) {
          const v = a.value;
          out[a.key] = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
        }
        return out;
      }
    }
  }
  throw new Error(`no span ${spanId} in ${file}`);
}

/**
 * The provider-neutral tool of an OpenAI `{type:'function', function:{…}}` definition.
 * @param {unknown} def
 * @returns {import('../../src/model/replay').ReplayTool}
 */
function tool(def) {
  const f = /** @type {{ function?: { name: string, description?: string, parameters?: unknown } }} */ (def).function;
  if (!f) throw new Error('not an OpenAI function tool');
  return { name: f.name, ...(f.description !== undefined ? { description: f.description } : {}), ...(f.parameters !== undefined ? { parameters: f.parameters } : {}) };
}

/**
 * Splits leading system messages off (a ReplayRequest keeps them in `system`).
 * @param {GenAiSpanView} view
 */
function splitSystem(view) {
  const input = view.inputMessages ?? [];
  const system = [...(view.systemInstructions ?? []), ...input.filter((m) => m.role === 'system').flatMap((m) => m.parts)];
  return { system, messages: input.filter((m) => m.role !== 'system') };
}

/**
 * The OpenInference model call as a ReplayRequest (what rq's reconstruction must also produce for it).
 * @returns {ReplayRequest}
 */
export function openInferenceRequest() {
  const decoded = decodeTracesJson(new Uint8Array(readFileSync(join(root, OPENINFERENCE_FILE))));
  if (!decoded.ok) throw new Error('capture does not decode');
  const span = decoded.items.find((s) => s.spanId === OI_SPAN_ID);
  if (!span) throw new Error('span missing');
  const view = normalizeSpan(span);
  if (!view) throw new Error('not a GenAI span');
  const invocation = JSON.parse(String(span.attributes['llm.invocation_parameters']));
  const { model, tools: _tools, ...parameters } = invocation;
  const cost = priceCall(priceInputFromView(view));
  const { system, messages } = splitSystem(view);
  return {
    source: { traceId: span.traceId, spanId: span.spanId, spanName: span.name, conventions: view.conventions },
    provider: 'openai',
    kind: 'openai',
    model,
    system,
    messages,
    tools: (view.toolDefinitions ?? []).map(tool),
    parameters,
    missing: [
      { field: 'toolChoice', note: 'OpenInference records no tool_choice here; the provider default (auto) applies.' },
      { field: 'stream', note: 'Whether the call streamed was not recorded (llm.is_streaming absent); the replay streams.' },
    ],
    original: {
      output: view.outputMessages ?? [],
      ...(view.finishReasons ? { finishReasons: view.finishReasons } : {}),
      ...(view.usage ? { usage: view.usage } : {}),
      ...(cost.status !== 'unpriced' ? { costUsd: cost.costUsd } : {}),
      durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
      ...(view.responseModel ? { responseModel: view.responseModel } : {}),
    },
  };
}

/**
 * The conventions trace's second model call: images (a PNG inline, a JPEG by URI), system
 * instructions only by reference, no tool definitions, no parameters.
 * @returns {ReplayRequest}
 */
export function mediaRequest() {
  const detail = makeConventionsTrace().detail(CONVENTION_SPANS.chat2);
  if (!detail?.genai) throw new Error('conventions chat2 missing');
  const view = detail.genai;
  const { system, messages } = splitSystem(view);
  return {
    source: { traceId: detail.span.traceId, spanId: detail.span.spanId, spanName: detail.span.name, conventions: view.conventions },
    provider: 'openai',
    kind: 'openai',
    model: 'gpt-4o',
    system,
    messages,
    tools: [],
    parameters: {},
    missing: [
      { field: 'system', note: 'Recorded only by reference (gen_ai.system_instructions_ref = gs://telemetry-bucket/…): not sent.' },
      { field: 'tools', note: 'gen_ai.tool.definitions was not recorded, but the conversation calls get-weather: the replay offers no tools.' },
      { field: 'parameters', note: 'No gen_ai.request.* parameter was recorded: the provider defaults apply.' },
      { field: 'messages.0', note: 'The JPEG was sent by URI; the provider fetches it again.' },
    ],
    original: { output: view.outputMessages ?? [], ...(view.usage ? { usage: view.usage } : {}) },
  };
}

/**
 * The `init` event for a fixture: `openinference` (default), `media`, `xss` (markup in every text),
 * `noProvider` (no provider configured: nothing preselected).
 * @param {string} fixture
 * @returns {InitEvent}
 */
export function makeReplayInit(fixture) {
  if (fixture === 'media') return { type: 'init', request: mediaRequest(), providers: PROVIDERS, preselected: { provider: 'OpenAI', reason: 'serves the recorded provider openai' }, models: ['gpt-4o', 'gpt-4o-mini'] };
  const request = openInferenceRequest();
  if (fixture === 'noProvider') return { type: 'init', request, providers: [], preselected: { reason: 'No provider configured for openai — add one.' }, models: ['gpt-4o-mini'] };
  if (fixture === 'xss') {
    request.source.spanName = `chat ${HOSTILE}`;
    request.messages[0].parts = [{ type: 'text', content: `Weather? ${HOSTILE}` }];
    request.missing.push({ field: `parameters.${HOSTILE}`, note: HOSTILE });
    request.original.output = [{ role: 'assistant', parts: [{ type: 'text', content: `Sunny ${HOSTILE}` }] }];
  }
  return { type: 'init', request, providers: PROVIDERS, preselected: { provider: 'OpenAI', reason: 'serves the recorded provider openai' }, models: ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4o'] };
}

// @ts-check
// Node-side checks of the replay playground's pure modules (webview/replay/draft.ts, variants.ts,
// answerDiff.ts), bundled with esbuild as the view is: the draft of a recorded request gives the
// request back byte for byte, edits parse by their field's rule, runs advance only on their own
// events, and diffs stay bounded. Expected values are written out here from the ReplayRequest
// contract (src/model/replay.ts) and the fixtures, not taken from the modules' output. Used by
// replayHarness.mjs.
import { assert, checkRunner, eq, importBundled } from './page.mjs';

/** @typedef {import('../../src/model/replay').ReplayRequest} ReplayRequest */

const draftMod = /** @type {typeof import('../../webview/replay/draft')} */ (await importBundled('webview/replay/draft.ts', 'neutral'));
const variantsMod = /** @type {typeof import('../../webview/replay/variants')} */ (await importBundled('webview/replay/variants.ts', 'neutral'));
const diffMod = /** @type {typeof import('../../webview/replay/answerDiff')} */ (await importBundled('webview/replay/answerDiff.ts', 'neutral'));

/**
 * Runs the checks; returns { passed, failed, results }.
 * @param {{ fixtures: typeof import('./replayFixtures.mjs'), log?: (line: string) => void }} o
 */
export async function replayModelChecks({ fixtures, log = console.log }) {
  const { check, summary } = checkRunner({ log });
  const { newDraft, buildRequest, editField, draftEdited } = draftMod;

  await check('replay model: an untouched draft gives back the recorded request, byte for byte (both fixtures)', () => {
    for (const r of [fixtures.openInferenceRequest(), fixtures.mediaRequest()]) {
      const { request, problems } = buildRequest(r, newDraft(r));
      eq(problems, [], 'problems');
      assert(JSON.stringify(request) === JSON.stringify(r), `${r.source.spanName}: the request changed`);
      eq(draftEdited(r, newDraft(r)), false, 'not edited');
    }
  });

  await check('replay model: edits parse by their field (arguments as JSON text or object, tool results, parameters, response format)', () => {
    /** @type {ReplayRequest} */
    const r = {
      ...fixtures.openInferenceRequest(),
      messages: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'a', name: 'f', arguments: '{"x":1}' }, { type: 'tool_call', id: 'b', name: 'g', arguments: { y: 2 } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'a', response: 'plain text result' }, { type: 'tool_call_response', id: 'b', response: { ok: true } }] },
      ],
      parameters: { max_tokens: 100, stop_sequences: ['END'], logit_bias: 'none', parallel_tool_calls: true },
    };
    const d = newDraft(r);
    const [m0, m1] = d.messages;
    /**
     * @param {import('../../webview/replay/draft').MessageDraft} m
     * @param {number} i
     * @returns {any}
     */
    const part = (m, i) => m.parts[i];
    editField(part(m0, 0).args, '{ "x": 2,\n  "z": [1] }');
    editField(part(m0, 1).args, '{"y": 3}');
    editField(part(m1, 0).response, 'another text');
    editField(part(m1, 1).response, '{"ok": false}');
    /** @param {string} name */
    const p = (name) => /** @type {import('../../webview/replay/draft').ParamDraft} */ (d.params.find((x) => x.name === name));
    editField(p('temperature').field, ' 0.5 ');
    editField(p('max_tokens').field, '');
    editField(p('stop_sequences').field, 'END\n\nSTOP ');
    editField(p('parallel_tool_calls').field, 'false');
    editField(p('logit_bias').field, '{"50256": -100}');
    editField(d.responseFormat, '{"type":"json_object"}');
    editField(d.toolChoice, 'required');
    const { request, problems } = buildRequest(r, d);
    eq(problems, [], 'problems');
    eq(request.messages[0].parts, [{ type: 'tool_call', id: 'a', name: 'f', arguments: '{"x":2,"z":[1]}' }, { type: 'tool_call', id: 'b', name: 'g', arguments: { y: 3 } }], 'tool calls');
    eq(request.messages[1].parts, [{ type: 'tool_call_response', id: 'a', response: 'another text' }, { type: 'tool_call_response', id: 'b', response: { ok: false } }], 'tool results');
    // logit_bias is not a number, boolean, string or string array: kept as the text typed.
    eq(request.parameters, { temperature: 0.5, stop_sequences: ['END', 'STOP'], logit_bias: '{"50256": -100}', parallel_tool_calls: false }, 'parameters (max_tokens emptied = not sent)');
    eq([request.responseFormat, request.toolChoice], [{ type: 'json_object' }, 'required'], 'response format, tool choice');
    eq(draftEdited(r, d), true, 'edited');
  });

  await check('replay model: invalid fields are reported with where and why, and block nothing else', () => {
    const r = fixtures.openInferenceRequest();
    const d = newDraft(r);
    editField(/** @type {any} */ (d.messages[1].parts[0]).args, '{"city": Paris}');
    editField(d.responseFormat, '[1]');
    editField(d.tools[0].field, '{"description": "no name"}');
    editField(/** @type {any} */ (d.params.find((x) => x.name === 'max_tokens')).field, '12.5');
    const { problems } = buildRequest(r, d);
    eq(problems.map((x) => x.where), ['message 2, tool call arguments', 'tool 1', 'response format', 'parameter max_tokens'], 'where');
    eq(problems.slice(1).map((x) => x.error), ['needs a "name" (string)', 'must be a JSON object ({…})', 'must be a whole number'], 'why');
    assert(problems[0].error.startsWith('not valid JSON'), problems[0].error);
  });

  await check('replay model: a variant applies its overrides; a run takes only its own events, and none after it ended', () => {
    const { newVariant, variantSend, startRun, applyRunEvent, cancelRun } = variantsMod;
    const r = fixtures.openInferenceRequest();
    const v = newVariant(2);
    v.model = 'gpt-4o';
    v.params = { temperature: '0.9', max_tokens: '' };
    const s = variantSend(v, r, { provider: 'OpenAI', model: 'gpt-4o-mini' });
    assert(s.ok, 'sendable');
    eq([s.provider, s.model, s.request.model, s.request.parameters], ['OpenAI', 'gpt-4o', 'gpt-4o', { temperature: 0.9, max_tokens: 200 }], 'overrides');
    eq(variantSend({ ...v, params: { seed: '1.5' } }, r, { provider: 'OpenAI', model: 'm' }), { ok: false, error: 'seed must be a whole number' }, 'bad override');
    eq(variantSend(newVariant(3), r, { model: 'm' }), { ok: false, error: 'no provider selected' }, 'no provider');
    const id = startRun(v, s);
    eq(id, 'v2.1', 'run id');
    const vs = [v];
    eq(applyRunEvent(vs, { type: 'replayEvent', variantId: 'v2.0', event: { type: 'text', delta: 'x' } }), undefined, 'other run ignored');
    applyRunEvent(vs, { type: 'replayEvent', variantId: id, event: { type: 'tool_call', index: 1, name: 'g', argumentsDelta: '{"a"' } });
    applyRunEvent(vs, { type: 'replayEvent', variantId: id, event: { type: 'tool_call', index: 1, argumentsDelta: ':1}' } });
    eq(v.run?.toolCalls, [{ name: '', arguments: '' }, { name: 'g', arguments: '{"a":1}' }], 'tool calls by index');
    applyRunEvent(vs, { type: 'replayEvent', variantId: id, event: { type: 'done', result: { text: 'hi', toolCalls: [], latencyMs: 3 } } });
    eq(applyRunEvent(vs, { type: 'replayEvent', variantId: id, event: { type: 'text', delta: 'late' } }), undefined, 'after done');
    eq(applyRunEvent(vs, { type: 'replayError', variantId: id, error: { kind: 'timeout', message: 't' } }), undefined, 'error after done');
    eq([v.run?.status, v.run?.text], ['done', 'hi'], 'done');
    startRun(v, s);
    cancelRun(v);
    eq(applyRunEvent(vs, { type: 'replayError', variantId: 'v2.2', error: { kind: 'cancelled', message: 'aborted' } }), undefined, "the host's cancel answer after the view's");
    eq(v.run?.status, 'cancelled', 'cancelled');
  });

  await check('replay model: diffs — words, canonical tool arguments, and the bound on long texts', () => {
    const { diffWords, diffToolCalls, MAX_DIFF_CHARS } = diffMod;
    eq(diffWords('It is sunny in Paris.', 'It is rainy in Paris.').segments, [{ op: 'same', text: 'It is ' }, { op: 'removed', text: 'sunny' }, { op: 'added', text: 'rainy' }, { op: 'same', text: ' in Paris.' }], 'word diff');
    const rows = diffToolCalls([{ name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' }, { name: 'a', arguments: '{}' }], [{ name: 'get_weather', arguments: '{ "units": "c", "city": "Paris" }' }, { name: 'b', arguments: '{}' }, { name: 'c', arguments: '{}' }]);
    eq(rows.map((x) => [x.status, x.nameChanged]), [['same', false], ['changed', true], ['added', false]], 'tool call rows (key order and spacing do not count)');
    const long = 'word '.repeat(MAX_DIFF_CHARS / 5 + 1);
    const started = performance.now();
    const d = diffWords(long, `${long}more`);
    eq([d.coarse, d.segments.map((x) => x.op)], [true, ['removed', 'added']], 'past the size limit: whole texts');
    assert(performance.now() - started < 200, 'bounded diff is quick');
  });

  return summary();
}

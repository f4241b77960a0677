// @ts-check
// A local stand-in for an OpenAI-compatible Chat Completions server for the end-to-end tests:
// 127.0.0.1, ephemeral port, no key checked. Every request is counted. It answers with a fixed
// text (`answer`), streamed as `chat.completion.chunk` server-sent events when `stream` is true
// (the shape documented in the OpenAI API reference "Streaming": one `data:` line per chunk,
// `data: [DONE]` last, a usage chunk when `stream_options.include_usage`), else as one
// `chat.completion` object.
import { createServer } from 'node:http';

/**
 * @param {{ answer?: string }} [options]
 * @returns {Promise<{ baseURL: string, requests: () => number, bodies: unknown[], close: () => Promise<void> }>}
 */
export async function startModelStandIn({ answer = 'Replayed answer: it is sunny in Paris.' } = {}) {
  /** @type {unknown[]} */
  const bodies = [];
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      /** @type {any} */
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = {};
      }
      bodies.push(body);
      const model = String(body.model ?? 'stand-in');
      const usage = { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 };
      if (!body.stream) {
        const text = JSON.stringify({
          id: `chatcmpl-standin-${bodies.length}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model,
          choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: answer, refusal: null } }],
          usage,
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id: `chatcmpl-standin-${bodies.length}`, object: 'chat.completion.chunk', created: 1_700_000_000, model };
      const send = (/** @type {unknown} */ o) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      for (const word of answer.split(/(?<= )/)) send({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
      send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      if (body.stream_options?.include_usage) send({ ...base, choices: [], usage });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: () => bodies.length,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

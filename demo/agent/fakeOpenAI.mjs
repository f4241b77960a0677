// A local, deterministic stand-in for the OpenAI Chat Completions API (POST /v1/chat/completions).
// No network: it listens on 127.0.0.1 with an ephemeral port. Behaviour, per request:
//   - no `tool` message in the conversation yet → the assistant asks for two tool calls,
//     get_weather({"city":"Paris"}) and get_stock_price({"symbol":"ACME"});
//   - otherwise → a final answer built from the tool messages it received.
// The demo's other scenarios (agent.mjs SCENARIOS) are told apart by the user's question:
//   - "Keep checking the weather…" → get_weather({"city":"Paris"}) again until four tool results;
//   - "…top headlines…" → get_news({"topic":"top"}), then an answer that ignores its error;
// and a prompt of more than 5,000 tokens (the outlier) is answered 1.5 s later.
// Token usage is a deterministic function of the text sizes so the numbers look plausible.
import { createServer } from 'node:http';

/** @typedef {{ role: string, content?: string | null, tool_calls?: unknown[], tool_call_id?: string }} ChatMessage */

const approxTokens = (text) => Math.max(1, Math.ceil(String(text ?? '').length / 4));

/**
 * Starts the stand-in server.
 * @returns {Promise<{ baseURL: string, requests: () => number, close: () => Promise<void> }>}
 */
export async function startFakeOpenAI() {
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const send = (status, body) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
        send(404, { error: { message: `no route for ${req.method} ${req.url}`, type: 'invalid_request_error' } });
        return;
      }
      let params;
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      counter += 1;
      const body = completionFor(params, counter);
      if (body.usage.prompt_tokens > 5000) setTimeout(() => send(200, body), 1500);
      else send(200, body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: () => counter,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** @param {{ model: string, messages: ChatMessage[] }} params */
function completionFor(params, n) {
  const messages = params.messages ?? [];
  const promptTokens = messages.reduce((sum, m) => sum + approxTokens(m.content) + 4, 0);
  const toolMessages = messages.filter((m) => m.role === 'tool');
  const base = {
    id: `chatcmpl-demo-${String(n).padStart(4, '0')}`,
    object: 'chat.completion',
    created: 1_700_000_000 + n,
    model: `${params.model}-2024-07-18`,
    system_fingerprint: 'fp_demo',
  };
  const question = String(messages.find((m) => m.role === 'user')?.content ?? '');
  const ask = (toolCalls) => ({
    ...base,
    choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, tool_calls: toolCalls, refusal: null } }],
    usage: { prompt_tokens: promptTokens, completion_tokens: 18, total_tokens: promptTokens + 18 },
  });
  const say = (answer) => {
    const completionTokens = approxTokens(answer);
    return {
      ...base,
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: answer, refusal: null } }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  };
  if (question.startsWith('Keep checking the weather')) {
    if (toolMessages.length < 4) return ask([{ id: `call_weather_${n}`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    return say('The weather in Paris has not changed: 18 °C and partly cloudy.');
  }
  if (question.includes('top headlines')) {
    if (toolMessages.length === 0) return ask([{ id: `call_news_${n}`, type: 'function', function: { name: 'get_news', arguments: '{"topic":"top"}' } }]);
    return say('Here are today\'s top headlines: none of note.');
  }
  if (toolMessages.length === 0) {
    const toolCalls = [
      { id: `call_weather_${n}`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: `call_stock_${n}`, type: 'function', function: { name: 'get_stock_price', arguments: '{"symbol":"ACME"}' } },
    ];
    return {
      ...base,
      choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, tool_calls: toolCalls, refusal: null } }],
      usage: { prompt_tokens: promptTokens, completion_tokens: 38, total_tokens: promptTokens + 38 },
    };
  }
  const facts = toolMessages.map((m) => m.content ?? '').join(' ');
  const weather = /"temperatureC":\s*(-?\d+)/.exec(facts);
  const answer =
    `In Paris it is ${weather ? `${weather[1]} °C and partly cloudy` : 'unknown weather'} right now. ` +
    'I could not get the ACME stock price: the stock service returned an error.';
  const completionTokens = approxTokens(answer);
  return {
    ...base,
    choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: answer, refusal: null } }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

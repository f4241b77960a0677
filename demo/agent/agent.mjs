// The agent loop, instrumented by hand with the GenAI semantic conventions for agents and tools
// (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-agent-spans/). The model calls
// (`chat gpt-4o-mini`) are instrumented by @opentelemetry/instrumentation-openai, not here.
//
//   invoke_agent weather-assistant            (INTERNAL, root)
//   ├── chat gpt-4o-mini                       (CLIENT, from the instrumentation) → 2 tool calls
//   ├── execute_tool get_weather               (INTERNAL)
//   ├── execute_tool get_stock_price           (INTERNAL, status ERROR + exception event)
//   └── chat gpt-4o-mini                       (CLIENT) → final answer
//
// Every span gets code.* attributes (file, line, column, function of the line that started it)
// from SourceLocationSpanProcessor (sourceLocation.mjs), also the instrumentation's chat spans.
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import { toolDefinitions, tools } from './tools.mjs';

export const AGENT_NAME = 'weather-assistant';
export const MODEL = 'gpt-4o-mini';
const SYSTEM_PROMPT = 'You are a concise assistant. Use the tools to answer questions about weather and stocks.';
const USER_PROMPT = 'What is the weather in Paris right now, and how is ACME stock doing?';
const MAX_TURNS = 6;

/**
 * What one run asks (`--scenario`); the stand-in model (fakeOpenAI.mjs) answers each differently,
 * so the diagnostics have something to find:
 *   weather  the usual run: two tool calls (one fails), then the answer;
 *   loop     the model asks for get_weather({"city":"Paris"}) four times in a row (a loop);
 *   news     get_news returns {"error": …} without failing its span, and the agent answers anyway
 *            (a swallowed tool error);
 *   outlier  the usual question with a 60 KB document pasted into the system prompt: many more
 *            tokens, a higher cost and a slower model (an outlier against the weather runs' baseline).
 */
export const SCENARIOS = {
  weather: { prompt: USER_PROMPT, tools: ['get_weather', 'get_stock_price'] },
  loop: { prompt: 'Keep checking the weather in Paris until it changes.', tools: ['get_weather'] },
  news: { prompt: 'What are the top headlines today?', tools: ['get_news'] },
  outlier: { prompt: USER_PROMPT, tools: ['get_weather', 'get_stock_price'], context: 'Quarterly market report. '.repeat(2500) },
};

/**
 * Runs one conversation; returns the final answer.
 * @param {{ client: import('openai').OpenAI, tracer: import('@opentelemetry/api').Tracer, conversationId: string, scenario?: keyof typeof SCENARIOS }} deps
 */
export async function runAgent({ client, tracer, conversationId, scenario = 'weather' }) {
  const plan = SCENARIOS[scenario];
  return tracer.startActiveSpan(
    `invoke_agent ${AGENT_NAME}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': AGENT_NAME,
        'gen_ai.agent.id': 'agent_weather_assistant_v1',
        'gen_ai.agent.description': 'Answers weather and stock questions with tools.',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': MODEL,
        'gen_ai.conversation.id': conversationId,
      },
    },
    async (agentSpan) => {
      try {
        /** @type {any[]} */
        const messages = [
          { role: 'system', content: 'context' in plan ? `${SYSTEM_PROMPT}\n\n${plan.context}` : SYSTEM_PROMPT },
          { role: 'user', content: plan.prompt },
        ];
        const offered = toolDefinitions.filter((d) => plan.tools.includes(d.function.name));
        for (let turn = 1; turn <= MAX_TURNS; turn++) {
          const completion = await client.chat.completions.create({
            model: MODEL,
            messages,
            tools: offered,
            temperature: 0.2,
          });
          const message = completion.choices[0].message;
          messages.push(message);
          if (!message.tool_calls?.length) {
            agentSpan.setAttribute('gen_ai.response.finish_reasons', [completion.choices[0].finish_reason]);
            agentSpan.setStatus({ code: SpanStatusCode.OK });
            return message.content ?? '';
          }
          for (const call of message.tool_calls) {
            const content = await executeTool(tracer, call);
            messages.push({ role: 'tool', tool_call_id: call.id, content });
          }
        }
        throw new Error(`agent did not finish within ${MAX_TURNS} turns`);
      } catch (err) {
        agentSpan.recordException(/** @type {Error} */ (err));
        agentSpan.setStatus({ code: SpanStatusCode.ERROR, message: String(/** @type {Error} */ (err).message) });
        throw err;
      } finally {
        agentSpan.end();
      }
    },
  );
}

/**
 * One `execute_tool` span. A failing tool is recorded on its span (exception event + ERROR
 * status) and reported back to the model as an error result, as agents usually do.
 * @returns {Promise<string>} the tool message content for the model
 */
async function executeTool(tracer, call) {
  const name = call.function.name;
  return tracer.startActiveSpan(
    `execute_tool ${name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': name,
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': call.id,
        'gen_ai.tool.call.arguments': call.function.arguments,
      },
    },
    context.active(),
    async (span) => {
      try {
        const impl = tools[name];
        if (!impl) throw new Error(`unknown tool ${name}`);
        const result = JSON.stringify(await impl(JSON.parse(call.function.arguments)));
        span.setAttribute('gen_ai.tool.call.result', result);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (err) {
        const error = /** @type {Error & { type?: string }} */ (err);
        span.recordException(error);
        span.setAttribute('error.type', error.type ?? error.name ?? 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        return JSON.stringify({ error: error.message });
      } finally {
        span.end();
      }
    },
  );
}

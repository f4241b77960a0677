// The demo agent's tools. Deterministic and offline; get_stock_price always fails, so every trace
// has one error span to look at.

export const toolDefinitions = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', description: 'City name, e.g. Paris' } },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_stock_price',
      description: 'Latest stock price for a ticker symbol.',
      parameters: {
        type: 'object',
        properties: { symbol: { type: 'string', description: 'Ticker symbol, e.g. ACME' } },
        required: ['symbol'],
      },
    },
  },
];

/** Offered only in the `news` scenario (agent.mjs). */
toolDefinitions.push({
  type: 'function',
  function: {
    name: 'get_news',
    description: 'Top headlines for a topic.',
    parameters: {
      type: 'object',
      properties: { topic: { type: 'string', description: 'Topic, e.g. top' } },
      required: ['topic'],
    },
  },
});

export class ToolError extends Error {
  /** @param {string} message @param {string} type error.type attribute value */
  constructor(message, type) {
    super(message);
    this.name = 'ToolError';
    this.type = type;
  }
}

/** @param {{ city: string }} args */
export async function getWeather({ city }) {
  await sleep(40);
  return { city, temperatureC: 18, conditions: 'partly cloudy', humidityPercent: 64 };
}

/** @param {{ symbol: string }} args */
export async function getStockPrice({ symbol }) {
  await sleep(25);
  throw new ToolError(`Stock service unavailable: upstream returned 503 for ${symbol}`, 'StockServiceUnavailable');
}

/**
 * Reports its failure in the result instead of throwing, as many tool wrappers do: the span ends
 * OK, and an agent that does not look at the result answers anyway.
 * @param {{ topic: string }} args
 */
export async function getNews({ topic }) {
  await sleep(30);
  return { topic, headlines: [], error: 'news feed timed out after 30 s' };
}

/** name → implementation */
export const tools = { get_weather: getWeather, get_stock_price: getStockPrice, get_news: getNews };

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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

/** name → implementation */
export const tools = { get_weather: getWeather, get_stock_price: getStockPrice };

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

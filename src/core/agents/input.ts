/**
 * Input checking for the agent tools: the JSON Schema subset their `inputSchema`s use (an object
 * of string, integer and boolean properties with `enum`, `minLength`, `maxLength`, `pattern`,
 * `minimum`, `maximum`, `required`, `additionalProperties: false`), checked here so that a tool
 * called by any client (VS Code validates, an MCP client may not) fails with a clear message
 * naming the tool and the problem. Pure.
 */

/** One property of a tool's input schema. */
export type PropertySchema =
  | { type: 'string'; description: string; enum?: readonly string[]; minLength?: number; maxLength?: number; pattern?: string }
  | { type: 'integer'; description: string; minimum?: number; maximum?: number; default?: number }
  | { type: 'boolean'; description: string; default?: boolean };

/** A tool's input schema (JSON Schema draft 2020-12 subset; also valid draft-07). */
export interface ObjectSchema {
  type: 'object';
  properties: Record<string, PropertySchema>;
  required?: readonly string[];
  additionalProperties: false;
}

/** Checked input: property name → value (absent optional properties are absent). */
export type CheckedInput = Record<string, string | number | boolean>;

/**
 * Checks `input` against `schema`; throws `Error("<tool>: <problem>")` on the first problem.
 * `undefined`/`null` input is an empty object (tools without required properties accept it).
 */
export function checkInput(tool: string, schema: ObjectSchema, input: unknown): CheckedInput {
  const value = input === undefined || input === null ? {} : input;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${tool}: input must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const obj = value as Record<string, unknown>;
  const known = Object.keys(schema.properties);
  for (const key of Object.keys(obj)) {
    if (!(key in schema.properties)) throw new Error(`${tool}: unknown property "${key}" (expected ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'no properties'})`);
  }
  for (const key of schema.required ?? []) {
    if (obj[key] === undefined || obj[key] === null) throw new Error(`${tool}: missing required property "${key}"`);
  }
  const out: CheckedInput = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    switch (prop.type) {
      case 'string': {
        if (typeof v !== 'string') throw new Error(`${tool}: "${key}" must be a string, got ${typeName(v)}`);
        if (prop.minLength !== undefined && v.length < prop.minLength) throw new Error(`${tool}: "${key}" must have at least ${prop.minLength} characters`);
        if (prop.maxLength !== undefined && v.length > prop.maxLength) throw new Error(`${tool}: "${key}" must have at most ${prop.maxLength} characters, got ${v.length}`);
        if (prop.enum && !prop.enum.includes(v)) throw new Error(`${tool}: "${key}" must be one of ${prop.enum.map((e) => `"${e}"`).join(', ')}, got "${v.slice(0, 80)}"`);
        if (prop.pattern && !new RegExp(prop.pattern).test(v)) throw new Error(`${tool}: "${key}" does not match ${prop.pattern}: "${v.slice(0, 80)}"`);
        out[key] = v;
        break;
      }
      case 'integer': {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${tool}: "${key}" must be an integer, got ${typeName(v)}`);
        if (prop.minimum !== undefined && v < prop.minimum) throw new Error(`${tool}: "${key}" must be at least ${prop.minimum}, got ${v}`);
        if (prop.maximum !== undefined && v > prop.maximum) throw new Error(`${tool}: "${key}" must be at most ${prop.maximum}, got ${v}`);
        out[key] = v;
        break;
      }
      case 'boolean':
        if (typeof v !== 'boolean') throw new Error(`${tool}: "${key}" must be true or false, got ${typeName(v)}`);
        out[key] = v;
        break;
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return `the number ${v}`;
  if (typeof v === 'string') return `the string "${v.slice(0, 40)}"`;
  return typeof v;
}

/**
 * OTLP/HTTP response encoders (src/core/otlp/responses.ts), checked by decoding their output
 * with protobufjs (vendored OTLP Root; google.rpc.Status defined inline) and JSON.parse.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { OTLP_MESSAGES, otlpType } from '../../../src/core/otlp/protoRoot';
import { encodeExportResponse, encodeStatus } from '../../../src/core/otlp/responses';
import type { OtlpSignal } from '../../../src/core/otlp/types';

const STATUS_PROTO = `
syntax = "proto3";
package google.rpc;
message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
`;
const ANY_PROTO = `
syntax = "proto3";
package google.protobuf;
message Any { string type_url = 1; bytes value = 2; }
`;

function statusType(): protobuf.Type {
  const root = new protobuf.Root();
  protobuf.parse(ANY_PROTO, root, { keepCase: false });
  protobuf.parse(STATUS_PROTO, root, { keepCase: false });
  root.resolveAll();
  return root.lookupType('google.rpc.Status');
}

const RESPONSE_TYPES: Record<OtlpSignal, [string, string]> = {
  traces: [OTLP_MESSAGES.traceResponse, 'rejectedSpans'],
  logs: [OTLP_MESSAGES.logsResponse, 'rejectedLogRecords'],
  metrics: [OTLP_MESSAGES.metricsResponse, 'rejectedDataPoints'],
};

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe.each(['traces', 'logs', 'metrics'] as const)('encodeExportResponse(%s)', (signal) => {
  const [typeName, rejectedField] = RESPONSE_TYPES[signal];
  const type = otlpType(typeName);
  const decode = (bytes: Uint8Array) => type.toObject(type.decode(bytes), { longs: String, defaults: false });

  it('full success: empty message (0 bytes / {})', () => {
    expect(encodeExportResponse(signal, 'protobuf')).toHaveLength(0);
    expect(encodeExportResponse(signal, 'protobuf', { rejected: 0, errorMessage: '' })).toHaveLength(0);
    expect(decode(encodeExportResponse(signal, 'protobuf'))).toEqual({});
    expect(text(encodeExportResponse(signal, 'json'))).toBe('{}');
    expect(text(encodeExportResponse(signal, 'json', { rejected: 0, errorMessage: '' }))).toBe('{}');
  });

  it('partial success: rejected count and message, decodable by protobufjs', () => {
    const partial = { rejected: 3, errorMessage: 'invalid span_id: all zeros; ünïcödé ✓' };
    expect(decode(encodeExportResponse(signal, 'protobuf', partial))).toEqual({
      partialSuccess: { [rejectedField]: '3', errorMessage: partial.errorMessage },
    });
    expect(JSON.parse(text(encodeExportResponse(signal, 'json', partial)))).toEqual({
      partialSuccess: { [rejectedField]: '3', errorMessage: partial.errorMessage },
    });
  });

  it('large counts and long messages (multi-byte varints)', () => {
    const partial = { rejected: 2 ** 40 + 5, errorMessage: 'x'.repeat(300) };
    expect(decode(encodeExportResponse(signal, 'protobuf', partial))).toEqual({
      partialSuccess: { [rejectedField]: String(2 ** 40 + 5), errorMessage: partial.errorMessage },
    });
  });

  it('warning only (rejected 0, message set) and count only', () => {
    expect(decode(encodeExportResponse(signal, 'protobuf', { rejected: 0, errorMessage: 'heads up' }))).toEqual({
      partialSuccess: { errorMessage: 'heads up' },
    });
    expect(text(encodeExportResponse(signal, 'json', { rejected: 0, errorMessage: 'heads up' }))).toBe('{"partialSuccess":{"errorMessage":"heads up"}}');
    expect(decode(encodeExportResponse(signal, 'protobuf', { rejected: 1, errorMessage: '' }))).toEqual({
      partialSuccess: { [rejectedField]: '1' },
    });
  });
});

describe('encodeStatus', () => {
  const type = statusType();

  it('protobuf google.rpc.Status decodes with protobufjs', () => {
    const bytes = encodeStatus('protobuf', 3, 'invalid ExportTraceServiceRequest protobuf: truncated varint at byte 12');
    expect(type.toObject(type.decode(bytes))).toEqual({
      code: 3,
      message: 'invalid ExportTraceServiceRequest protobuf: truncated varint at byte 12',
    });
    const long = encodeStatus('protobuf', 14, 'é'.repeat(200));
    expect(type.toObject(type.decode(long))).toEqual({ code: 14, message: 'é'.repeat(200) });
  });

  it('JSON form', () => {
    expect(JSON.parse(text(encodeStatus('json', 8, 'too large')))).toEqual({ code: 8, message: 'too large' });
  });

  it('omits defaults like proto3 encoders', () => {
    expect(encodeStatus('protobuf', 0, '')).toHaveLength(0);
    expect(type.toObject(type.decode(encodeStatus('protobuf', 0, 'm')))).toEqual({ message: 'm' });
  });
});

describe('responses.ts stays free of protobufjs (it runs on the extension-host thread)', () => {
  it('imports nothing but types', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../../../src/core/otlp/responses.ts', import.meta.url), 'utf8');
    const imports = source.split('\n').filter((l) => l.startsWith('import '));
    expect(imports.every((l) => l.startsWith('import type '))).toBe(true);
  });
});

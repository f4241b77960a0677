/**
 * Decode references (single thread, no I/O) on the benchmark's own payloads: protobufjs
 * reflection decode (`Type.decode` with the vendored OTLP protos: the "raw decode" yardstick of
 * issue 8), the project's decoders (`decodeTraces`, protobuf and JSON: what the worker runs before
 * storing) and `JSON.parse` of the OTLP/JSON bodies.
 *
 * Usage: node out/bench/decodeBench.js '{"requests":100,"minMs":1500}' → `BENCH_RESULT <JSON>`:
 * per profile, spans/s and MB/s of each decoder (each looped over the requests for ≥ minMs after
 * a warm-up pass). `"only":"protobufjs"` measures protobufjs alone (bench/run.mjs takes that
 * sample in every round, right before the ingest runs it is compared with).
 */
import { performance } from 'node:perf_hooks';
import { decodeTraces } from '../src/core/otlp/decode';
import { OTLP_MESSAGES, otlpType } from '../src/core/otlp/protoRoot';
import { PayloadStream, streamSpec, type Profile } from './payloads';

/** Throughput of one decoder over one profile's requests. */
export interface DecodeRate {
  spansPerSec: number;
  megabytesPerSec: number;
}

function rate(bodies: Uint8Array[], spans: number, minMs: number, decode: (body: Uint8Array) => unknown): DecodeRate {
  for (const body of bodies) decode(body); // warm-up
  let rounds = 0;
  const t = performance.now();
  while (performance.now() - t < minMs || rounds === 0) {
    for (const body of bodies) decode(body);
    rounds++;
  }
  const seconds = (performance.now() - t) / 1000;
  const bytes = bodies.reduce((n, b) => n + b.byteLength, 0);
  return { spansPerSec: Math.round((spans * rounds) / seconds), megabytesPerSec: Math.round((bytes * rounds) / seconds / 1e5) / 10 };
}

function main(): void {
  const { requests, minMs, only } = JSON.parse(process.argv[2] ?? '{}') as { requests?: number; minMs?: number; only?: 'protobufjs' };
  const n = requests ?? 100;
  const ms = minMs ?? 1500;
  const type = otlpType(OTLP_MESSAGES.traceRequest);
  const text = new TextDecoder();
  const out: Record<string, Record<string, DecodeRate | number>> = {};
  for (const profile of ['small', 'agent'] as Profile[]) {
    const spec = streamSpec(profile, n * 512);
    const proto: Uint8Array[] = [];
    const json: Uint8Array[] = [];
    const a = new PayloadStream(spec);
    const b = new PayloadStream(spec);
    while (a.hasNext) {
      proto.push(a.nextRequest('protobuf').body);
      if (only !== 'protobufjs') json.push(b.nextRequest('json').body);
    }
    const spans = spec.totalSpans;
    if (only === 'protobufjs') {
      out[profile] = { protobufjsDecode: rate(proto, spans, ms, (body) => type.decode(body)) };
      continue;
    }
    out[profile] = {
      protobufjsDecode: rate(proto, spans, ms, (body) => type.decode(body)),
      projectProtobuf: rate(proto, spans, ms, (body) => decodeTraces(body, 'protobuf')),
      projectJson: rate(json, spans, ms, (body) => decodeTraces(body, 'json')),
      jsonParse: rate(json, spans, ms, (body) => JSON.parse(text.decode(body))),
      protobufBytesPerSpan: Math.round(proto.reduce((s, x) => s + x.byteLength, 0) / spans),
      jsonBytesPerSpan: Math.round(json.reduce((s, x) => s + x.byteLength, 0) / spans),
    };
  }
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(out)}\n`);
}

main();

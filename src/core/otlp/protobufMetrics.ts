/**
 * OTLP protobuf `metrics.v1`, counted rather than decoded: the receiver stores no metrics, it
 * only reports how many data points a request held. Entry point: `decodeMetricsProtobuf`
 * (`protobufDecoder.ts`).
 *
 * Proto field map (tag bytes in hex; LEN = length-delimited):
 *
 *   collector.metrics.v1.ExportMetricsServiceRequest 1 resource_metrics: ResourceMetrics (0a)
 *   metrics.v1.ResourceMetrics 2 scope_metrics (12);  ScopeMetrics 2 metrics (12)
 *   metrics.v1.Metric        5 gauge (2a)  7 sum (3a)  9 histogram (4a)  10 exponential_histogram (52)
 *                            11 summary (5a); each has 1 data_points (0a)
 */
import type { WireReader } from './wireReader';

/** Counts `data_points` (field 1) of a Gauge/Sum/Histogram/ExponentialHistogram/Summary. */
function countDataPoints(r: WireReader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) n++;
    r.skip(tag, end);
  }
  return n;
}

function countMetric(r: WireReader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x2a || tag === 0x3a || tag === 0x4a || tag === 0x52 || tag === 0x5a) {
      const e = r.lenEnd(end);
      n += countDataPoints(r, e);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return n;
}

/** Walks `message → field 2 (LEN) → …` down to Metric and sums its data points. */
export function countNested(r: WireReader, end: number, depth: number): number {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    const wanted = depth === 0 ? 0x0a : 0x12;
    if (tag === wanted) {
      const e = r.lenEnd(end);
      n += depth === 2 ? countMetric(r, e) : countNested(r, e, depth + 1);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return n;
}

/**
 * The recorded-response server ("Trace Lens: Serve Recorded Responses…", issue 21): a local
 * OpenAI- and Anthropic-compatible endpoint on 127.0.0.1 that answers each model request of a
 * re-run with the recorded response of the matching call of a trace, so the app can be re-run
 * under the debugger deterministically, spending no tokens until the chosen point.
 *
 * - Routes (./http.ts): `POST /v1/chat/completions` and `/chat/completions` (OpenAI Chat
 *   Completions: `OPENAI_BASE_URL=http://127.0.0.1:<port>/v1` or `…:<port>`), `POST /v1/messages`
 *   (Anthropic Messages: `ANTHROPIC_BASE_URL=http://127.0.0.1:<port>`), `GET /v1/models` (the
 *   recorded models); anything else 404 in the provider's error shape. Bodies up to
 *   `MAX_BODY_BYTES` (413 past it). Requests with a non-loopback `Host` or an `Origin` are refused (403).
 * - Matching (./matching.ts): request k is compared with the recorded call after the last one
 *   matched, by content; else the other unserved calls are searched by content. Every request is
 *   recorded as a `ServedRequest` with what differs (./report.ts turns them into a report).
 * - Answers: the matched call's recorded output in the format the app's SDK expects, JSON or SSE
 *   (./openaiWire.ts, ./anthropicWire.ts), whatever API recorded it.
 * - `liveAfterIndex`: requests at the position of a call whose `index` is greater, and every
 *   request after the first such one, are forwarded to `live` (./live.ts); calls after it are never
 *   served from the recording.
 * - `onDivergence` (a request that matches no recorded call): `error` (default) answers 400 with a
 *   message naming the differences (400, not 409, so the SDKs do not retry it); `live` forwards it;
 *   `closest` serves the recorded call expected at this position (else the nearest unserved one).
 * The API key is never logged, recorded or answered.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedCall, ReplayProviderKind, ServedRequest } from '../../../model/replay';
import { parseIncomingRequest, type IncomingRequest } from './incoming';
import { RecordedCallMatcher } from './matching';
import { openAIChunks, openAICompletion, openAIModelList } from './openaiWire';
import { anthropicEvents, anthropicMessage, anthropicModelList } from './anthropicWire';
import { forwardLive, redact, type LiveProvider } from './live';
import { MAX_BODY_BYTES, errorShapeOf, readBody, refusalOf, routeOf, sendAnthropicStream, sendError, sendJson, sendOpenAIStream } from './http';

/** What to do with a request that matches no recorded call. */
export type DivergencePolicy = 'error' | 'live' | 'closest';

/** Options of `startRecordedServer`. */
export interface RecordedServerOptions {
  /** The trace's model calls in start order (`src/core/replay/recordedCalls.ts`). */
  calls: readonly RecordedCall[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Calls with `index` greater than this are not served from the recording: those requests go to `live`. */
  liveAfterIndex?: number;
  /** The configured provider requests are forwarded to (required by `liveAfterIndex` and `onDivergence: 'live'`). */
  live?: LiveProvider;
  /** Default `error`. */
  onDivergence?: DivergencePolicy;
  /** Largest request body in bytes; default `MAX_BODY_BYTES` (32 MiB). */
  maxBodyBytes?: number;
  /** One line per request (never message content, never the key). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A running server. */
export interface RecordedServer {
  /** `http://127.0.0.1:<port>` (append `/v1` for OpenAI SDKs' base URL). */
  url: string;
  port: number;
  /** Model requests so far, in order of arrival (copies). */
  served(): ServedRequest[];
  /** Called once per model request, after its answer is complete. */
  onServed(listener: (served: ServedRequest) => void): { dispose(): void };
  /** Stops listening, closes connections and aborts live requests. */
  close(): Promise<void>;
}

/** Recorded models, request and response names, each once, in call order. */
function recordedModels(calls: readonly RecordedCall[]): string[] {
  const seen = new Set<string>();
  for (const c of calls) for (const m of [c.requestModel, c.responseModel]) if (m !== undefined) seen.add(m);
  return [...seen];
}

/**
 * Starts the server on 127.0.0.1. Rejects when the port cannot be bound, or when live forwarding
 * is asked for (`liveAfterIndex`, `onDivergence: 'live'`) without `live`.
 */
export async function startRecordedServer(options: RecordedServerOptions): Promise<RecordedServer> {
  const policy = options.onDivergence ?? 'error';
  if ((options.liveAfterIndex !== undefined || policy === 'live') && options.live === undefined) {
    throw new Error('Trace Lens replay: live forwarding needs a configured provider (options.live)');
  }
  const live = options.live;
  const secret = live?.apiKey ?? '';
  const log = (level: 'info' | 'warn' | 'error', message: string): void => options.log?.(level, redact(message, secret));
  const calls = options.calls;
  const matcher = new RecordedCallMatcher(calls);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const servedList: ServedRequest[] = [];
  const listeners = new Set<(s: ServedRequest) => void>();
  const state = { nextPosition: 0, served: new Set<number>() };
  let wentLive = false;
  let nextRequestIndex = 0;
  const aborts = new Set<AbortController>();
  const sockets = new Set<Socket>();
  const eligible = (p: number): boolean => options.liveAfterIndex === undefined || calls[p]!.index <= options.liveAfterIndex;

  const record = (s: ServedRequest): void => {
    servedList.push(s);
    const how = s.servedFrom === 'recording' ? `recorded call ${s.matchedCallIndex} (${s.match})` : s.servedFrom === 'live' ? `live (${s.status})` : `error ${s.status}`;
    log(s.servedFrom === 'error' ? 'warn' : 'info', `request ${s.requestIndex} (${s.api}${s.streamed ? ', streamed' : ''}): ${how}${s.differences.length > 0 ? `, ${s.differences.length} difference(s)` : ''}`);
    for (const l of listeners) {
      try {
        l({ ...s, differences: [...s.differences] });
      } catch {
        // A listener's failure is its own.
      }
    }
  };

  const serveRecording = (res: http.ServerResponse, api: ReplayProviderKind, request: IncomingRequest, call: RecordedCall, requestIndex: number): void => {
    const created = Math.floor(Date.now() / 1000);
    if (api === 'openai') {
      const headers = { 'x-request-id': `req_tracelens_${requestIndex}` };
      if (request.stream) sendOpenAIStream(res, openAIChunks(call, request.model, created, request.includeUsage), headers);
      else sendJson(res, 200, openAICompletion(call, request.model, created), headers);
    } else {
      const headers = { 'request-id': `req_tracelens_${requestIndex}` };
      if (request.stream) sendAnthropicStream(res, anthropicEvents(call, request.model), headers);
      else sendJson(res, 200, anthropicMessage(call, request.model), headers);
    }
  };

  const goLive = async (req: http.IncomingMessage, res: http.ServerResponse, api: ReplayProviderKind, body: Buffer): Promise<{ status: number; streamed: boolean; note?: string }> => {
    if (live === undefined) return { status: 500, streamed: false }; // excluded at start
    if (live.kind !== api) {
      const message = `Trace Lens replay: the live provider speaks ${live.kind === 'openai' ? 'OpenAI Chat Completions' : 'Anthropic Messages'}, but the app called ${api === 'openai' ? 'OpenAI Chat Completions' : 'Anthropic Messages'}: the request cannot be forwarded as-is`;
      sendError(res, api, 400, message, 'trace_lens_live_api_mismatch');
      return { status: 400, streamed: false, note: message };
    }
    const abort = new AbortController();
    aborts.add(abort);
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    try {
      const outcome = await forwardLive(live, body, req.headers, res, abort.signal, (message) => sendError(res, api, 502, message, 'trace_lens_live_unreachable'));
      return { status: outcome.status, streamed: outcome.streamed, ...(outcome.error !== undefined ? { note: outcome.error } : {}) };
    } finally {
      aborts.delete(abort);
      res.off('close', onClose);
    }
  };

  const handleModelRequest = async (req: http.IncomingMessage, res: http.ServerResponse, api: ReplayProviderKind): Promise<void> => {
    const read = await readBody(req, maxBodyBytes);
    if (!read.ok) {
      sendError(res, api, read.status, read.message, null, read.status === 413 ? { connection: 'close' } : {});
      record({ requestIndex: nextRequestIndex++, api, match: 'none', servedFrom: 'error', differences: [read.message], status: read.status, streamed: false });
      return;
    }
    const requestIndex = nextRequestIndex++;
    let json: unknown;
    try {
      json = JSON.parse(read.body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = json === undefined ? { error: 'the request body is not valid JSON' } : parseIncomingRequest(api, json);
    if ('error' in parsed) {
      const message = `Trace Lens replay: ${parsed.error}`;
      sendError(res, api, 400, message, 'invalid_request');
      record({ requestIndex, api, match: 'none', servedFrom: 'error', differences: [message], status: 400, streamed: false });
      return;
    }
    const request = parsed;
    const base = { requestIndex, api, ...(request.model !== undefined ? { model: request.model } : {}), streamed: request.stream };
    const expected = state.nextPosition;

    // After the chosen span: live from here on.
    if (options.liveAfterIndex !== undefined && (wentLive || expected >= calls.length || calls[expected]!.index > options.liveAfterIndex)) {
      wentLive = true;
      const comparison = expected < calls.length ? matcher.compare(request, expected) : undefined;
      state.nextPosition++;
      const outcome = await goLive(req, res, api, read.body);
      record({
        ...base,
        ...(comparison ? { comparedCallIndex: calls[expected]!.index } : {}),
        match: comparison?.agrees ? 'position' : 'none',
        servedFrom: outcome.note !== undefined && outcome.status >= 400 ? 'error' : 'live',
        differences: comparison ? comparison.differences : [`no recorded call at this position: the recording has ${calls.length} model call(s)`],
        status: outcome.status,
        streamed: outcome.streamed,
        ...(outcome.note !== undefined ? { note: outcome.note } : {}),
      });
      return;
    }

    const outcome = matcher.match(request, state, eligible);
    const compared = outcome.expectedPosition !== undefined ? { comparedCallIndex: calls[outcome.expectedPosition]!.index } : {};
    let position = outcome.position;
    if (position === undefined && policy === 'closest') position = closestAvailable(expected, calls.length, (p) => !state.served.has(p) && eligible(p));
    if (position !== undefined) {
      const call = calls[position]!;
      state.served.add(position);
      state.nextPosition = position + 1;
      serveRecording(res, api, request, call, requestIndex);
      record({ ...base, ...compared, matchedCallIndex: call.index, match: outcome.match, servedFrom: 'recording', differences: outcome.differences, status: 200 });
      return;
    }
    if (policy === 'live') {
      state.nextPosition = Math.min(calls.length, expected + 1);
      const result = await goLive(req, res, api, read.body);
      record({ ...base, ...compared, match: 'none', servedFrom: result.note !== undefined && result.status >= 400 ? 'error' : 'live', differences: outcome.differences, status: result.status, streamed: result.streamed, ...(result.note !== undefined ? { note: result.note } : {}) });
      return;
    }
    const note = divergenceMessage(requestIndex, outcome.differences, policy);
    sendError(res, api, 400, note, 'trace_lens_replay_divergence');
    record({ ...base, ...compared, match: 'none', servedFrom: 'error', differences: outcome.differences, status: 400, streamed: false, note });
  };

  const server = http.createServer((req, res) => {
    const refusal = refusalOf(req);
    if (refusal !== undefined) {
      req.resume();
      log('warn', refusal);
      sendError(res, errorShapeOf(req), 403, refusal);
      return;
    }
    const route = routeOf(req.method, req.url);
    switch (route.kind) {
      case 'model':
        handleModelRequest(req, res, route.api).catch((error: unknown) => {
          log('error', `request failed: ${error instanceof Error ? error.message : String(error)}`);
          if (!res.headersSent) sendError(res, route.api, 500, 'Trace Lens replay: internal error');
          else res.destroy();
        });
        return;
      case 'models': {
        req.resume();
        const models = recordedModels(calls);
        sendJson(res, 200, errorShapeOf(req) === 'anthropic' ? anthropicModelList(models, new Date(0).toISOString()) : openAIModelList(models, 0));
        return;
      }
      case 'wrongMethod':
        req.resume();
        sendError(res, errorShapeOf(req), 405, `Trace Lens replay: ${req.method ?? ''} is not allowed here; use ${route.allow}`, null, { allow: route.allow });
        return;
      case 'unknown':
        req.resume();
        sendError(
          res,
          errorShapeOf(req),
          404,
          `Trace Lens replay: no route for ${req.method ?? ''} ${(req.url ?? '').split('?')[0]}; this server answers POST /v1/chat/completions (OpenAI), POST /v1/messages (Anthropic) and GET /v1/models`,
          'not_found',
        );
        return;
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log('error', `server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    served: () => servedList.map((s) => ({ ...s, differences: [...s.differences] })).sort((a, b) => a.requestIndex - b.requestIndex),
    onServed(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const a of aborts) a.abort();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

/** The unserved, eligible position nearest to `expected` (ties: the later one), else `undefined`. */
function closestAvailable(expected: number, count: number, available: (p: number) => boolean): number | undefined {
  for (let d = 0; d < count + expected; d++) {
    if (expected + d < count && available(expected + d)) return expected + d;
    if (d > 0 && expected - d >= 0 && expected - d < count && available(expected - d)) return expected - d;
  }
  return undefined;
}

/** The 400 message of a request that matches no recorded call. */
function divergenceMessage(requestIndex: number, differences: readonly string[], policy: DivergencePolicy): string {
  const head = `Trace Lens replay: request ${requestIndex} of the re-run matches no recorded call`;
  const tail = policy === 'closest' ? ' and no recorded call is left to serve' : '';
  return `${head}${tail}${differences.length > 0 ? `: ${differences.join('; ')}` : ''}`;
}

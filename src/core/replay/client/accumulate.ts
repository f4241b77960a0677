/**
 * The answer of one replay as it streams in: text, tool calls by position, finish reason, usage,
 * response model and id, time to first token. Both clients feed it; it emits each delta as a
 * `ReplayStreamEvent` (redacted) and builds the final `ReplayResult`.
 */
import type { GenAiUsage } from '../../../model/genai';
import type { ReplayResult, ReplayStreamEvent, ReplayToolCall } from '../../../model/replay';

export interface AccumulatorOptions {
  /** `performance.now()` (ms) when the request was sent. */
  startedAt: number;
  now: () => number;
  emit: (event: ReplayStreamEvent) => void;
  redact: (text: string) => string;
  /** Called on every chunk that arrives (resets the idle timer). */
  onActivity: () => void;
}

export class ReplayAccumulator {
  private text = '';
  private readonly toolCalls: ReplayToolCall[] = [];
  private firstTokenMs: number | undefined;
  finishReason: string | undefined;
  usage: GenAiUsage | undefined;
  responseModel: string | undefined;
  responseId: string | undefined;
  /** `true` once any chunk of the answer arrived (a later timeout is a stall, not "no answer"). */
  answering = false;

  constructor(private readonly o: AccumulatorOptions) {}

  /** A chunk arrived (any kind, including keep-alive pings the SDK passes on). */
  activity(): void {
    this.answering = true;
    this.o.onActivity();
  }

  private firstToken(): void {
    this.firstTokenMs ??= Math.max(0, Math.round(this.o.now() - this.o.startedAt));
  }

  addText(delta: string): void {
    if (!delta) return;
    this.firstToken();
    const safe = this.o.redact(delta);
    this.text += safe;
    this.o.emit({ type: 'text', delta: safe });
  }

  /**
   * A tool call delta. `index` is the tool call's position in the answer (0-based, OpenAI
   * `tool_calls[].index`; for Anthropic the order of its `tool_use` blocks).
   */
  addToolCall(index: number, part: { id?: string | null; name?: string | null; argumentsDelta?: string | null }): void {
    this.firstToken();
    let call = this.toolCalls[index];
    if (!call) {
      call = { name: '', arguments: '' };
      this.toolCalls[index] = call;
    }
    const ev: Extract<ReplayStreamEvent, { type: 'tool_call' }> = { type: 'tool_call', index, argumentsDelta: '' };
    if (part.id) {
      call.id = this.o.redact(part.id);
      ev.id = call.id;
    }
    if (part.name) {
      const name = this.o.redact(part.name);
      // Streamed in pieces by the spec; some compatible servers repeat the whole name per chunk.
      if (name !== call.name) call.name += name;
      ev.name = name;
    }
    if (part.argumentsDelta) {
      const safe = this.o.redact(part.argumentsDelta);
      call.arguments += safe;
      ev.argumentsDelta = safe;
    }
    this.o.emit(ev);
  }

  /** Gives tool calls whose arguments never streamed `{}` (Anthropic `tool_use` without input deltas). */
  fillEmptyArguments(): void {
    for (const c of this.toolCalls) if (c && c.arguments === '') c.arguments = '{}';
  }

  /** Tool calls so far (holes from skipped indexes dropped). */
  calls(): ReplayToolCall[] {
    return this.toolCalls.filter((c): c is ReplayToolCall => c !== undefined);
  }

  result(): ReplayResult {
    const r: ReplayResult = {
      text: this.text,
      toolCalls: this.calls().map((c) => ({ ...c })),
      latencyMs: Math.max(0, Math.round(this.o.now() - this.o.startedAt)),
    };
    const { redact } = this.o;
    if (this.finishReason !== undefined) r.finishReason = redact(this.finishReason);
    if (this.usage !== undefined) r.usage = this.usage;
    if (this.responseModel !== undefined) r.responseModel = redact(this.responseModel);
    if (this.responseId !== undefined) r.responseId = redact(this.responseId);
    if (this.firstTokenMs !== undefined) r.firstTokenMs = this.firstTokenMs;
    return r;
  }
}

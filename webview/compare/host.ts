/**
 * The compare view's link to the extension host: a typed channel over `postMessage`
 * (src/protocol/compareView.ts).
 */
import { Channel, type Envelope } from '../../src/protocol/channel';
import type { CompareViewCommand, CompareViewEvent } from '../../src/protocol/compareView';

export type CompareViewChannel = Channel<CompareViewCommand, CompareViewEvent, Record<string, never>, Record<string, never>>;

/** Wires `postMessage`/`message` to a typed channel. Call once per page. */
export function connectToHost(onEvent: (event: CompareViewEvent) => void): CompareViewChannel {
  const api = acquireVsCodeApi();
  const channel: CompareViewChannel = new Channel((envelope: Envelope) => api.postMessage(envelope), {}, onEvent);
  window.addEventListener('message', (e: MessageEvent) => channel.receive(e.data));
  return channel;
}

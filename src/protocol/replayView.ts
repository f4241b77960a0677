/**
 * The whole contract of the replay playground webview (one panel per replayed model-call span,
 * issue 21 "Replay one model call"): the request the span received (src/model/replay.ts), the
 * providers the user configured, and the streamed answers of the variants the user sends. Direction
 * is in the name: `ReplayViewEvent` host → webview, `ReplayViewCommand` webview → host. All
 * fire-and-forget over the channel of src/protocol/channel.ts (no requests either way). Only
 * imports from `src/model`.
 *
 * Flow:
 * 1. The view says `ready` (again after a reload of the webview). The host answers with `init`
 *    (or `unavailable` when the span cannot be rebuilt), every time it receives `ready`.
 * 2. When the `traceLens.replay.providers` setting or a key in SecretStorage changes (after
 *    `configureProviders` / `setKey`, or at any time), the host sends `providers`.
 * 3. Each Send / Retry of a variant column posts `send` with a fresh `variantId` (one id per run).
 *    The host answers, for that id and in this order: `replayStarted`, then `replayEvent`s (text
 *    and tool-call deltas, then exactly one `done`), or `replayError` (at any point, instead of
 *    `done`); then, once the replay has been recorded as its own trace, `replayTraced`.
 * 4. `cancel` aborts a run; the host should answer `replayError` with kind `cancelled` (the view
 *    has already shown it as cancelled and ignores anything else for that id). A new `send` for a
 *    column whose run is still going is preceded by a `cancel` of that run.
 */
import type { ReplayError, ReplayProviderKind, ReplayRequest, ReplayStreamEvent } from '../model/replay';

/**
 * A configured provider as the view may show it (one entry of `traceLens.replay.providers`, plus
 * whether SecretStorage holds a key for it). Never carries the key itself.
 */
export interface ReplayProviderChoice {
  /** Unique display name (`ReplayProviderConfig.name`), the id used in `send`, `copyAsCode`, `setKey`. */
  name: string;
  kind: ReplayProviderKind;
  /** As configured; absent = the kind's default (`https://api.openai.com/v1`, `https://api.anthropic.com`). */
  baseUrl?: string;
  /** `true` when SecretStorage holds a key for `name` (local servers such as Ollama may need none). */
  hasKey: boolean;
  /** `ReplayProviderConfig.defaultModel`: the model field's value when this provider is picked and the recorded model is not its own. */
  defaultModel?: string;
}

/**
 * Which provider the view selects at start, and why, in words the view shows as they are:
 * `{ provider: 'openai', reason: 'serves the recorded provider openai' }`, or
 * `{ reason: 'no provider configured for anthropic — add one' }` (then nothing is selected and Send
 * stays disabled until the user picks or configures one).
 */
export interface ReplayPreselection {
  /** A `ReplayProviderChoice.name`, absent when none fits. */
  provider?: string;
  reason: string;
}

/** Host → webview, fire-and-forget. */
export type ReplayViewEvent =
  /**
   * The playground's content. Sent in answer to every `ready`. `request` is exactly what the
   * recorded call received (`request.missing` lists what the recording did not carry; the view
   * flags each gap where it applies, by `ReplayGap.field`: `system`, `messages` (or `messages.<i>` /
   * `messages[<i>]` for one message, 0-based in `request.messages`), `toolCallIds`, `media`,
   * `tools`, `toolChoice`, `responseFormat`, `parameters` (or `parameters.<name>`), `model`,
   * `provider`, `stream`; anything else in a general list at the top).
   */
  | {
      type: 'init';
      request: ReplayRequest;
      /** Every configured provider, in the setting's order (may be empty: the view offers `configureProviders`). */
      providers: ReplayProviderChoice[];
      preselected: ReplayPreselection;
      /**
       * Model names offered in the model field's suggestions, best first (the recorded request
       * model, the recorded response model, the providers' `defaultModel`s, models used in earlier
       * replays). The field stays free text.
       */
      models: string[];
    }
  /** The span cannot be replayed (no longer stored, not a model call, …); `reason` is shown as is. */
  | { type: 'unavailable'; reason: string }
  /**
   * The providers changed (setting edited, key stored or deleted). The view keeps the user's
   * selection when that name still exists; otherwise it applies `preselected` when given.
   */
  | { type: 'providers'; providers: ReplayProviderChoice[]; preselected?: ReplayPreselection; models?: string[] }
  /** The request of run `variantId` left for the provider (the view shows "Waiting for the first token…"). */
  | { type: 'replayStarted'; variantId: string }
  /**
   * One streamed step of run `variantId`: a text delta, a tool-call delta (accumulated by `index`),
   * or the final `done` with the ReplayResult (its `text` and `toolCalls` replace what streamed; a
   * result with `error` is shown as that error). A non-streaming provider may send `done` alone.
   */
  | { type: 'replayEvent'; variantId: string; event: ReplayStreamEvent }
  /**
   * Run `variantId` failed (before or while streaming) or was cancelled. `error.message` is shown
   * as is (never contains a key); `retryAfterSeconds` is shown for 429/503. The view keeps any text
   * streamed so far and offers Retry.
   */
  | { type: 'replayError'; variantId: string; error: ReplayError }
  /** Run `variantId` was recorded as its own trace (marked as a replay, linked to the source span). */
  | { type: 'replayTraced'; variantId: string; traceId: string }
  /**
   * The answer to `copyAsCode`: the snippet is on the clipboard (`error` absent), or could not be
   * made (`error`, shown as is). `format` echoes the command's.
   */
  | { type: 'copied'; format: ReplayCodeFormat; error?: string };

/** The languages of Copy as Code: `curl`, Python with the official SDK of the provider's kind (`openai` / `anthropic`), TypeScript likewise. */
export type ReplayCodeFormat = 'curl' | 'python' | 'typescript';

/** Webview → host, fire-and-forget. */
export type ReplayViewCommand =
  /** The view is listening: (re)send `init` (or `unavailable`). */
  | { type: 'ready' }
  /**
   * Send one run. `variantId` is new for every run (`<column>.<run>`, e.g. `v2.3`); every event
   * about the run names it. `provider` is a `ReplayProviderChoice.name`; `model` is the model to
   * call (also set as `request.model`). `request` is the edited request with the variant's
   * overrides already applied (parameters, model): the host sends it as it is — `source` is the
   * recorded span (for the replay trace's link); `missing` and `original` are informative only.
   */
  | { type: 'send'; variantId: string; provider: string; model: string; request: ReplayRequest }
  /** Abort run `variantId` (answer: `replayError` with kind `cancelled`; nothing when it already finished). */
  | { type: 'cancel'; variantId: string }
  /**
   * Copy the call as code to the clipboard (answer: `copied`). `provider` is the selected provider's
   * name (absent when none is configured: the host uses `request.kind` and that kind's default base
   * URL); the snippet's model is `request.model`. The snippet reads the key from the environment
   * (`OPENAI_API_KEY` / `ANTHROPIC_API_KEY`), never embeds it.
   */
  | { type: 'copyAsCode'; format: ReplayCodeFormat; provider?: string; request: ReplayRequest }
  /** Open the `traceLens.replay.providers` setting in the Settings editor. */
  | { type: 'configureProviders' }
  /** Ask for the API key of provider `provider` (input box, password) and store it in SecretStorage; then send `providers`. */
  | { type: 'setKey'; provider: string }
  /** Open the recorded trace at the source span. */
  | { type: 'openSpan'; traceId: string; spanId: string }
  /** Open the trace a replay was recorded as (`replayTraced`). */
  | { type: 'openReplayTrace'; traceId: string };

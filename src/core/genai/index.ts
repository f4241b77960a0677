/**
 * GenAI conventions → one normalized view (src/model/genai.ts). Pure: no vscode, no node APIs.
 * - `normalizeSpan(span, logs)`: the full view of one span (details pane, conversation).
 * - `genaiBadge(span)`: cheap row facts, computed for every span at ingest.
 * - `buildConversation(traceId, spans)`: the Conversation tab's timeline.
 * - `genaiIngestAnnotator`: the hooks the store calls at ingest (badge, session, agent, first user text).
 * Spec: ../shared/reference/genai-conventions.md.
 */
export { normalizeSpan, CONTENT_CAPTURE_HINTS } from './normalize';
export { genaiBadge, spanGenAiFacts, firstUserTextOfSpan, firstUserTextOfLog, genaiIngestAnnotator, FIRST_USER_MESSAGE_MAX_CHARS } from './badge';
export type { SpanGenAiFacts } from './badge';
export { buildConversation, messageKey, PREDECESSOR_WINDOW } from './conversation';
export type { ConversationSpan } from './conversation';

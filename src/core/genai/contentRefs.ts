/**
 * Content stored by reference → `GenAiContentRef` (pure part; src/core/genai/localContent.ts reads
 * `file://` references in the back end).
 *
 * Source: opentelemetry-util-genai's upload completion hook (opentelemetry-python-contrib
 * util/opentelemetry-util-genai `_upload/completion_hook.py`), which uploads the content with
 * fsspec and stamps `gen_ai.input.messages_ref`, `gen_ai.output.messages_ref`,
 * `gen_ai.system_instructions_ref` and `gen_ai.tool.definitions_ref` (the attribute name + `_ref`)
 * on the span and on the `gen_ai.client.inference.operation.details` log record. A local base path
 * gives `file:///…` references (fsspec `unstrip_protocol`); files are `.json` (one line: the JSON
 * array) or `.jsonl` (one message per line with an added `index`). A
 * `gen_ai.content.storage.result` event reports `gen_ai.content.storage.status` (e.g. `dropped`)
 * for one reference. Never throws.
 */
import type { GenAiContentRef } from '../../model/genai';
import { STORAGE_EVENT, type GenAiEvent } from './events';
import { eventFields } from './evaluations';
import { fileUriToPath, str } from './values';

/** Reference attributes → the content they stand for. */
export const CONTENT_REF_KEYS: Readonly<Record<string, GenAiContentRef['content']>> = {
  'gen_ai.input.messages_ref': 'input',
  'gen_ai.output.messages_ref': 'output',
  'gen_ai.system_instructions_ref': 'system',
  'gen_ai.tool.definitions_ref': 'tools',
};

const REF_ENTRIES = Object.entries(CONTENT_REF_KEYS);

/**
 * The span's content references (`attr` reads the span's attributes, falling back to the details
 * log record's), with the storage status of `gen_ai.content.storage.result` events. `undefined`
 * when there is none.
 */
export function readContentRefs(attr: (key: string) => unknown, events: readonly GenAiEvent[]): GenAiContentRef[] | undefined {
  const refs: GenAiContentRef[] = [];
  for (const [key, content] of REF_ENTRIES) {
    const uri = str(attr(key));
    if (uri === undefined) continue;
    const ref: GenAiContentRef = { key, content, uri };
    const path = fileUriToPath(uri);
    if (path !== undefined) ref.localPath = path;
    refs.push(ref);
  }
  for (const e of events) {
    if (e.name !== STORAGE_EVENT) continue;
    const f = eventFields(e);
    const status = str(f['gen_ai.content.storage.status']);
    if (status === undefined) continue;
    for (const [key, content] of REF_ENTRIES) {
      const uri = str(f[key]);
      if (uri === undefined) continue;
      let ref = refs.find((r) => r.uri === uri);
      if (!ref) {
        ref = { key, content, uri };
        const path = fileUriToPath(uri);
        if (path !== undefined) ref.localPath = path;
        refs.push(ref);
      }
      ref.storageStatus = status;
    }
  }
  return refs.length ? refs : undefined;
}

/**
 * Bounded plain text for coding agents (src/core/agents): long values are folded with
 * "…N more characters", lists are cut with "…and N more", and a whole answer stops at the
 * `traceLens.agents.outputBudgetCharacters` budget. Content (prompts, completions, tool arguments
 * and results, content attributes) goes through a `ContentPolicy`: hidden when
 * `traceLens.agents.includeContent` is off, redacted by the user's patterns otherwise. Pure.
 */
import { isContentAttributeKey } from '../forwarding/redaction';

/** What replaces content when `traceLens.agents.includeContent` is off. */
export const CONTENT_HIDDEN = "[content hidden: content is off for agents (traceLens.agents.includeContent, or the MCP server's --include-content false)]";

/** Smallest budget honoured (a smaller `budgetChars` is raised to it: an answer needs its header). */
export const MIN_BUDGET_CHARS = 1_000;

/**
 * `text` cut to at most `max` characters (plus the marker): `abc…N more characters`. Cuts on a
 * code-point boundary; `max` < 1 keeps nothing but the marker.
 */
export function fold(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, Math.floor(max));
  // Do not split a surrogate pair.
  if (cut > 0 && cut < text.length && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return `${text.slice(0, cut)}…${text.length - cut} more characters`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** `…and N more <what>` (what = "traces", "spans", …). */
export function andMore(n: number, what: string): string {
  return `…and ${n} more ${what}`;
}

/**
 * Keeps the first and last blocks of a list that do not fit `budget` characters (joined with
 * `separator`), dropping the middle ones and putting `omitted(n)` in their place: the start and
 * the end of a conversation (the question and the answer) survive a long middle.
 */
export function fitBlocks(blocks: readonly string[], budget: number, omitted: (n: number) => string, separator = '\n'): { text: string; dropped: number } {
  const total = blocks.reduce((n, b) => n + b.length + separator.length, 0);
  if (total <= budget) return { text: blocks.join(separator), dropped: 0 };
  const head: string[] = [];
  const tail: string[] = [];
  let used = omitted(blocks.length).length + separator.length;
  let i = 0;
  let j = blocks.length - 1;
  // Alternate: first block, last block, second, second to last, …
  let takeHead = true;
  while (i <= j) {
    const block = takeHead ? blocks[i]! : blocks[j]!;
    const cost = block.length + separator.length;
    if (used + cost > budget) {
      // The first and the last block are always kept, folded to fit what is left.
      if (head.length === 0 || tail.length === 0) {
        const room = Math.max(80, Math.floor((budget - used) / (head.length === 0 && tail.length === 0 ? 2 : 1)));
        const folded = fold(block, room);
        if (takeHead) head.push(folded);
        else tail.unshift(folded);
        used += folded.length + separator.length;
        if (takeHead) i++;
        else j--;
        takeHead = !takeHead;
        continue;
      }
      break;
    }
    if (takeHead) {
      head.push(block);
      i++;
    } else {
      tail.unshift(block);
      j--;
    }
    used += cost;
    takeHead = !takeHead;
  }
  const dropped = j - i + 1;
  const parts = dropped > 0 ? [...head, omitted(dropped), ...tail] : [...head, ...tail];
  return { text: parts.join(separator), dropped };
}

/**
 * An answer under construction: lines are added until the budget is spent; everything after is
 * dropped and the answer ends with a line saying so (`truncated`).
 */
export class OutputBuilder {
  private readonly out: string[] = [];
  private used = 0;
  private full = false;
  readonly budget: number;

  constructor(budgetChars: number) {
    this.budget = Math.max(MIN_BUDGET_CHARS, Math.floor(Number.isFinite(budgetChars) ? budgetChars : MIN_BUDGET_CHARS));
  }

  /** Characters still free (0 once the budget is spent). */
  get remaining(): number {
    return Math.max(0, this.budget - this.used - CUT_NOTE_RESERVE);
  }

  /** `true` once a line had to be dropped or cut. */
  get truncated(): boolean {
    return this.full;
  }

  /** Adds one line (may hold line breaks); a line that does not fit is folded into what is left, then nothing more is added. */
  line(text = ''): this {
    if (this.full) return this;
    const room = this.remaining;
    if (text.length + 1 > room) {
      this.full = true;
      if (room > 200) this.out.push(fold(text, room - 40));
      return this;
    }
    this.out.push(text);
    this.used += text.length + 1;
    return this;
  }

  /** Adds several lines. */
  lines(texts: readonly string[]): this {
    for (const t of texts) this.line(t);
    return this;
  }

  /** The answer; ends with a note when something was dropped. */
  toString(): string {
    const text = this.out.join('\n');
    return this.full ? `${text}\n${CUT_NOTE(this.budget)}` : text;
  }
}

const CUT_NOTE = (budget: number): string =>
  `…output cut at the ${budget}-character budget (traceLens.agents.outputBudgetCharacters); ask for a narrower item (get_span, a smaller limit).`;
const CUT_NOTE_RESERVE = 160;

/**
 * How content reaches an agent: hidden (`includeContent` off) or redacted with the user's
 * patterns. Every text taken from a trace goes through `text` (redaction only) or `content`
 * (hiding and redaction) before it is folded, so a secret is never cut in half and left readable.
 */
export class ContentPolicy {
  constructor(
    readonly includeContent: boolean,
    private readonly redactFn?: (text: string) => string,
  ) {}

  /** Redacts any text from a trace (names, messages, exception messages, attribute values that are not content). */
  text(value: string): string {
    return this.redactFn ? this.redactFn(value) : value;
  }

  /** Message content (a prompt, a completion, tool arguments or results): hidden or redacted, then folded to `max`. */
  content(value: unknown, max: number): string {
    if (!this.includeContent) return CONTENT_HIDDEN;
    return fold(this.text(valueText(value)), max);
  }

  /** An attribute value: hidden when its key carries content and content is off; redacted and folded otherwise. */
  attribute(key: string, value: unknown, max: number, onEvent = false): string {
    if (!this.includeContent && isContentAttributeKey(key, onEvent)) return CONTENT_HIDDEN;
    return fold(this.text(valueText(value)), max);
  }
}

/** A value as one compact text: strings as they are, everything else as compact JSON. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

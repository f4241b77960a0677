/** Folding and budgets of the agent tools' text (src/core/agents/text.ts). */
import { describe, expect, it } from 'vitest';
import { ContentPolicy, CONTENT_HIDDEN, fitBlocks, fold, OutputBuilder } from '../../../src/core/agents/text';

describe('fold', () => {
  it('keeps short text, cuts long text with the count of what is left', () => {
    expect(fold('abc', 3)).toBe('abc');
    expect(fold('abcdef', 2)).toBe('ab…4 more characters');
    // 😀 is two UTF-16 code units: never cut in half.
    expect(fold('a😀b', 2)).toBe('a…3 more characters');
  });
});

describe('fitBlocks', () => {
  it('keeps the first and last blocks and names how many were dropped', () => {
    const blocks = ['Q'.repeat(50), 'm1'.repeat(50), 'm2'.repeat(50), 'm3'.repeat(50), 'A'.repeat(50)];
    const { text, dropped } = fitBlocks(blocks, 220, (n) => `…${n} omitted`);
    expect(dropped).toBe(2);
    expect(text.split('\n')).toEqual(['Q'.repeat(50), 'm1'.repeat(50), '…2 omitted', 'A'.repeat(50)]);
  });
  it('folds the first and last block when even they do not fit', () => {
    const { text } = fitBlocks(['Q'.repeat(1000), 'A'.repeat(1000)], 300, (n) => `…${n} omitted`);
    expect(text).toMatch(/^Q+…\d+ more characters\nA+…\d+ more characters$/);
    expect(text.length).toBeLessThanOrEqual(400);
  });
});

describe('OutputBuilder', () => {
  it('stops at the budget and says so', () => {
    const out = new OutputBuilder(1_000);
    for (let i = 0; i < 100; i++) out.line(`line ${i} ${'x'.repeat(40)}`);
    const text = out.toString();
    expect(out.truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(1_000);
    expect(text).toMatch(/…output cut at the 1000-character budget/);
  });
});

describe('ContentPolicy', () => {
  it('hides content attributes and message text when content is off, and redacts before folding', () => {
    const off = new ContentPolicy(false);
    expect(off.attribute('gen_ai.input.messages', '[{"role":"user"}]', 100)).toBe(CONTENT_HIDDEN);
    expect(off.attribute('llm.input_messages.0.message.content', 'hi', 100)).toBe(CONTENT_HIDDEN);
    expect(off.attribute('content', 'hi', 100, true)).toBe(CONTENT_HIDDEN);
    expect(off.attribute('gen_ai.request.model', 'gpt-4o', 100)).toBe('gpt-4o');
    expect(off.content('hello', 100)).toBe(CONTENT_HIDDEN);
    const on = new ContentPolicy(true, (t) => t.replace(/sk-[a-z0-9]+/g, '[REDACTED]'));
    // The key would be cut in half by folding to 12 characters; redaction runs first.
    expect(on.content('my key sk-abcdef0123456789 ok', 12)).toBe('my key [REDA…8 more characters');
  });
});

/**
 * Copy as Code: the curl, Python and TypeScript snippets for both provider kinds, with strings
 * that need escaping in every language (quotes, newlines, unicode, `$`, backslashes, backticks,
 * a line equal to the here-document delimiter). Each snippet is checked by its own language:
 * `bash -n` and a run with `curl` replaced by a function that captures the body; `python3` `ast`
 * parse and a run against stub `openai` / `anthropic` modules; the TypeScript parser, a type check
 * against the real `openai` and `@anthropic-ai/sdk` types, and a run against stub modules. Every
 * run must send exactly the wire body, with the key taken from the environment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { replayCode } from '../../../src/core/replay/code';
import { anthropicRequestBody } from '../../../src/core/replay/wire/anthropicRequest';
import { openaiRequestBody } from '../../../src/core/replay/wire/openaiRequest';
import type { ReplayProviderKind, ReplayRequest } from '../../../src/model/replay';

const NASTY = [
  `It's "quoted" and 'single' and \`back\` and $HOME and \${x} and $(whoami)`,
  'back\\slash \\n literal, real\nnewline, tab\tand CR\r',
  'unicode: é ü 日本 🌍 \u2028 line sep, zero\u200bwidth, bell\u0007',
  'TRACE_LENS_JSON',
  '"""triple""" and \'\'\'triple\'\'\' and }} {{',
].join('\n');

function request(kind: ReplayProviderKind): ReplayRequest {
  return {
    source: { traceId: 't', spanId: 's', spanName: 'chat', conventions: ['otel-genai'] },
    kind,
    model: kind === 'openai' ? 'gpt-4o-mini' : 'claude-sonnet-4-5',
    system: [{ type: 'text', content: `System ${NASTY}` }],
    messages: [
      { role: 'user', parts: [{ type: 'text', content: NASTY }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris "FR"', note: NASTY } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: `result ${NASTY}` }] },
    ],
    tools: [{ name: 'get_weather', description: `Weather ${NASTY}`, parameters: { type: 'object', properties: { city: { type: 'string', description: 'a "city"' } }, required: ['city'] } }],
    toolChoice: 'auto',
    parameters: { temperature: 0.2, max_tokens: 256, stop_sequences: ['$END', 'a\\b'], top_k: 5 },
    missing: [],
    original: { output: [] },
  };
}

function wireBody(kind: ReplayProviderKind, model?: string): unknown {
  const r = request(kind);
  const options = { stream: false, ...(model ? { model } : {}) };
  return JSON.parse(JSON.stringify(kind === 'openai' ? openaiRequestBody(r, options).body : anthropicRequestBody(r, options).body));
}

const dirs: string[] = [];
function tempDir(parent = tmpdir()): string {
  const d = mkdtempSync(join(parent, 'tl-replay-code-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KEY = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;
const SECRET = 'sk-from-the-environment';

describe.each(['openai', 'anthropic'] as const)('%s', (kind) => {
  const base = kind === 'openai' ? 'http://127.0.0.1:11434/v1' : "https://proxy.example/it's";
  const code = replayCode(request(kind), kind, { baseUrl: `${base}/`, model: kind === 'openai' ? 'llama3.1' : undefined });
  const expected = wireBody(kind, kind === 'openai' ? 'llama3.1' : undefined);

  it('never writes a key; reads it from the environment variable', () => {
    for (const snippet of Object.values(code)) expect(snippet).toContain(KEY[kind]);
    expect(code.python).toContain(`os.environ["${KEY[kind]}"]`);
    expect(code.typescript).toContain(`process.env.${KEY[kind]}`);
  });

  it('curl: valid bash that sends the exact body to the endpoint with the key header', () => {
    const dir = tempDir();
    const script = join(dir, 'call.sh');
    writeFileSync(script, `curl() { printf '%s\\n' "$@" > "$OUT/args"; cat > "$OUT/body"; }\n${code.curl}`);
    execFileSync('bash', ['-n', script]);
    execFileSync('bash', [script], { env: { PATH: process.env.PATH ?? '', OUT: dir, [KEY[kind]]: SECRET, HOME: '/nonexistent' } });
    expect(JSON.parse(readFileSync(join(dir, 'body'), 'utf8'))).toEqual(expected);
    const args = readFileSync(join(dir, 'args'), 'utf8').split('\n');
    expect(args[0]).toBe(kind === 'openai' ? `${base}/chat/completions` : `${base}/v1/messages`);
    expect(args).toContain(kind === 'openai' ? `Authorization: Bearer ${SECRET}` : `x-api-key: ${SECRET}`);
    if (kind === 'anthropic') expect(args).toContain('anthropic-version: 2023-06-01');
  });

  it('python: parses, and sends the exact body through the SDK call', () => {
    const check = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code.python });
    expect(check.status, check.stderr.toString()).toBe(0);
    const dir = tempDir();
    writeFileSync(
      join(dir, `${kind}.py`),
      [
        'import json',
        'from types import SimpleNamespace',
        'def _create(**kw):',
        '    extra = kw.pop("extra_body", None) or {}',
        '    print(json.dumps({"opts": _opts, "body": {**kw, **extra}}))',
        '    return SimpleNamespace(choices=[SimpleNamespace(message=None)], content=[])',
        '_opts = {}',
        kind === 'openai' ? 'class OpenAI:' : 'class Anthropic:',
        '    def __init__(self, **opts):',
        '        _opts.update(opts)',
        kind === 'openai' ? '        self.chat = SimpleNamespace(completions=SimpleNamespace(create=_create))' : '        self.messages = SimpleNamespace(create=_create)',
        '',
      ].join('\n'),
    );
    const run = spawnSync('python3', ['-c', code.python], { env: { PATH: process.env.PATH ?? '', PYTHONPATH: dir, [KEY[kind]]: SECRET, PYTHONIOENCODING: 'utf-8' } });
    expect(run.status, run.stderr.toString()).toBe(0);
    const out = JSON.parse(run.stdout.toString().split('\n')[0]!) as { opts: Record<string, unknown>; body: unknown };
    expect(out.body).toEqual(expected);
    expect(out.opts).toEqual({ api_key: SECRET, base_url: base });
  });

  it('typescript: parses, type-checks against the real SDK types, and sends the exact body', () => {
    const parsed = ts.createSourceFile('x.ts', code.typescript, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS) as ts.SourceFile & { parseDiagnostics: ts.Diagnostic[] };
    expect(parsed.parseDiagnostics).toEqual([]);
    // Type check inside the worktree so `openai` and `@anthropic-ai/sdk` resolve to the real packages.
    const dir = tempDir(join(__dirname, '..', '..', '..'));
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, code.typescript);
    const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: ['node'], skipLibCheck: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    // Run against stub modules.
    const run = tempDir();
    const pkg = kind === 'openai' ? 'openai' : '@anthropic-ai/sdk';
    mkdirSync(join(run, 'node_modules', pkg), { recursive: true });
    writeFileSync(join(run, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, type: 'module', main: 'index.js' }));
    const create = 'async (body) => { process.stdout.write(JSON.stringify({ opts, body }) + "\\n"); return { choices: [{ message: null }], content: [] }; }';
    writeFileSync(
      join(run, 'node_modules', pkg, 'index.js'),
      kind === 'openai'
        ? `let opts; export default class OpenAI { constructor(o) { opts = o; this.chat = { completions: { create: ${create} } }; } }\n`
        : `let opts; export default class Anthropic { constructor(o) { opts = o; this.messages = { create: ${create} }; } }\n`,
    );
    const js = ts.transpileModule(code.typescript, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(run, 'snippet.mjs'), js);
    const out = spawnSync(process.execPath, [join(run, 'snippet.mjs')], { cwd: run, env: { PATH: process.env.PATH ?? '', [KEY[kind]]: SECRET } });
    expect(out.status, out.stderr.toString()).toBe(0);
    const sent = JSON.parse(out.stdout.toString().split('\n')[0]!) as { opts: Record<string, unknown>; body: unknown };
    expect(sent.body).toEqual(expected);
    expect(sent.opts).toEqual({ apiKey: SECRET, baseURL: base });
  });
});

it('omits the base URL from the SDK snippets when it is the provider default', () => {
  const code = replayCode(request('openai'), 'openai');
  expect(code.python).toContain('client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])');
  expect(code.typescript).toContain('new OpenAI({ apiKey: process.env.OPENAI_API_KEY })');
  expect(code.curl.split('\n')[0]).toBe("curl 'https://api.openai.com/v1/chat/completions' \\");
});

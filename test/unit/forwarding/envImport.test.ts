/** `.env` parsing, the OTEL headers format, and targets built from environment variables. */
import { describe, expect, it } from 'vitest';
import { parseDotenv, parseOtlpHeaders, targetsFromEnvironment } from '../../../src/core/forwarding/envImport';

describe('parseDotenv', () => {
  it('reads KEY=value lines, comments, export, blanks and spaces around =', () => {
    const { values, errors } = parseDotenv(
      [
        '# a comment',
        '',
        'A=1',
        'export B = two ',
        '  C=three # trailing comment',
        'D=',
        'E=a#b',
        'dotted.key-name=x',
        'A=last wins',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(values).toEqual({ A: 'last wins', B: 'two', C: 'three', D: '', E: 'a#b', 'dotted.key-name': 'x' });
  });

  it('handles single, double and backtick quotes, escapes and multi-line values', () => {
    const text = [
      `S='single # not a comment \\n literal'`,
      `D="line1\\nline2\\t\\"q\\" \\\\"  # comment`,
      'B=`back \'tick\' "x"`',
      'M="first',
      'second"',
      'AFTER=ok',
      `EQ='a=b=c'`,
    ].join('\r\n');
    const { values, errors } = parseDotenv(text);
    expect(errors).toEqual([]);
    expect(values.S).toBe('single # not a comment \\n literal');
    expect(values.D).toBe('line1\nline2\t"q" \\');
    expect(values.B).toBe(`back 'tick' "x"`);
    expect(values.M).toBe('first\nsecond');
    expect(values.AFTER).toBe('ok');
    expect(values.EQ).toBe('a=b=c');
  });

  it('reports bad lines by number without their content, and keeps going', () => {
    const { values, errors } = parseDotenv(['GOOD=1', 'not a pair', 'X="unterminated secret', 'AFTER=2', '=nokey'].join('\n'));
    expect(values.GOOD).toBe('1');
    expect(values.AFTER).toBe('2');
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(JSON.stringify(errors)).not.toContain('secret');
  });

  it('ignores a UTF-8 BOM and Windows line endings', () => {
    expect(parseDotenv('\uFEFFK=v\r\nL=w\r\n').values).toEqual({ K: 'v', L: 'w' });
  });
});

describe('parseOtlpHeaders', () => {
  it('splits key=value pairs, trims, and percent-decodes values', () => {
    expect(parseOtlpHeaders(' Authorization=Basic%20abc%3D%3D , x-team = t1,bad, =x,k=a=b')).toEqual({
      Authorization: 'Basic abc==',
      'x-team': 't1',
      k: 'a=b',
    });
  });
});

describe('targetsFromEnvironment', () => {
  it('builds the OTEL_TARGETS list with secrets kept apart from the settings', () => {
    const result = targetsFromEnvironment({
      OTEL_TARGETS: 'LANGFUSE, phoenix ,GENERIC,unknown',
      LANGFUSE_PUBLIC_KEY: 'pk-lf-123',
      LANGFUSE_SECRET_KEY: 'sk-lf-456',
      LANGFUSE_HOST: 'https://eu.cloud.langfuse.com',
      PHOENIX_COLLECTOR_ENDPOINT: 'http://phoenix.local:6006/v1/traces',
      PHOENIX_PROJECT_NAME: 'agents',
      PHOENIX_API_KEY: 'px-secret-key',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20tok-abcdef',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(result.targets).toEqual([
      { name: 'Langfuse', preset: 'langfuse', enabled: true, endpoint: 'https://eu.cloud.langfuse.com' },
      { name: 'Phoenix', preset: 'phoenix', protocol: 'http/protobuf', enabled: true, endpoint: 'http://phoenix.local:6006/v1/traces', project: 'agents' },
      { name: 'OTLP', preset: 'otlp', endpoint: 'https://collector.example:4318', enabled: true, protocol: 'http/json' },
    ]);
    expect(result.secrets).toEqual([
      { target: 'Langfuse', slot: 'publicKey', value: 'pk-lf-123' },
      { target: 'Langfuse', slot: 'secretKey', value: 'sk-lf-456' },
      { target: 'Phoenix', slot: 'apiKey', value: 'px-secret-key' },
      { target: 'OTLP', slot: 'headers', value: 'authorization=Bearer%20tok-abcdef' },
    ]);
    expect(result.warnings).toEqual([expect.stringContaining('unknown target "unknown"')]);
    // No secret value leaks into the settings part.
    const settingsText = JSON.stringify(result.targets);
    for (const s of result.secrets) expect(settingsText).not.toContain(s.value);
  });

  it('prefers LANGFUSE_BASE_URL over LANGFUSE_HOST and infers targets without OTEL_TARGETS', () => {
    const result = targetsFromEnvironment({
      LANGFUSE_PUBLIC_KEY: 'pk',
      LANGFUSE_BASE_URL: 'https://base.example',
      LANGFUSE_HOST: 'https://host.example',
    });
    expect(result.targets.map((t) => [t.name, t.endpoint])).toEqual([['Langfuse', 'https://base.example']]);
    expect(result.warnings).toEqual([expect.stringContaining('LANGFUSE_SECRET_KEY')]);
  });

  it("skips an endpoint that is Trace Lens's own receiver (the usual app .env) and says why", () => {
    const result = targetsFromEnvironment(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_EXPORTER_OTLP_HEADERS: 'k=secret-value' },
      { ownPorts: [4318] },
    );
    expect(result.targets).toEqual([]);
    expect(result.secrets).toEqual([]);
    expect(result.warnings[0]).toContain("own receiver");
  });

  it('falls back to http/protobuf for grpc and says nothing was found for an empty environment', () => {
    const grpc = targetsFromEnvironment({ OTEL_TARGETS: 'GENERIC', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc.targets[0].protocol).toBe('http/protobuf');
    expect(grpc.warnings[0]).toContain('grpc');
    expect(targetsFromEnvironment({}).warnings[0]).toContain('no forwarding variables');
  });

  it('combines with parseDotenv for a workspace .env file', () => {
    const env = parseDotenv('OTEL_TARGETS=LANGFUSE\nLANGFUSE_PUBLIC_KEY="pk-lf-1"\nLANGFUSE_SECRET_KEY=\'sk-lf-2\' # keys\n').values;
    const result = targetsFromEnvironment(env);
    expect(result.targets).toHaveLength(1);
    expect(result.secrets.map((s) => s.value)).toEqual(['pk-lf-1', 'sk-lf-2']);
  });
});

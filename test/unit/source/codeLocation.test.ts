/** Code location attributes: current (semconv ≥ 1.30) and deprecated names, Logfire's relative paths. */
import { describe, expect, it } from 'vitest';
import { codeLocationOf, codeStacktraceOf, functionNameOf, workingDirectoryOf } from '../../../src/core/source/codeLocation';

describe('codeLocationOf', () => {
  it('reads the current attribute names', () => {
    expect(
      codeLocationOf({
        'code.file.path': '/srv/app/agent.py',
        'code.line.number': 42,
        'code.column.number': 5,
        'code.function.name': 'app.agent.Agent.run',
      }),
    ).toEqual({ filePath: '/srv/app/agent.py', line: 42, column: 5, functionName: 'app.agent.Agent.run' });
  });

  it('reads the deprecated names (Logfire: path relative to the working directory, qualname)', () => {
    expect(codeLocationOf({ 'code.filepath': 'app/main.py', 'code.lineno': 17, 'code.function': 'handle_chat' })).toEqual({
      filePath: 'app/main.py',
      line: 17,
      column: null,
      functionName: 'handle_chat',
    });
  });

  it('joins code.namespace and code.function; does not repeat a namespace already in the function', () => {
    expect(functionNameOf({ 'code.namespace': 'com.acme.Orders', 'code.function': 'place' })).toBe('com.acme.Orders.place');
    expect(functionNameOf({ 'code.namespace': 'com.acme.Orders', 'code.function': 'com.acme.Orders.place' })).toBe('com.acme.Orders.place');
    expect(functionNameOf({ 'code.namespace': 'com.acme.Orders' })).toBe('com.acme.Orders');
    expect(functionNameOf({})).toBeNull();
  });

  it('prefers the current names when both are sent (OTEL_SEMCONV_STABILITY_OPT_IN=code/dup)', () => {
    expect(
      codeLocationOf({
        'code.file.path': '/new.py',
        'code.filepath': '/old.py',
        'code.line.number': 2,
        'code.lineno': 1,
        'code.column.number': 4,
        'code.column': 3,
        'code.function.name': 'mod.new',
        'code.function': 'old',
      }),
    ).toEqual({ filePath: '/new.py', line: 2, column: 4, functionName: 'mod.new' });
  });

  it('accepts int64 line numbers sent as decimal strings; refuses nonsense', () => {
    expect(codeLocationOf({ 'code.file.path': '/a.ts', 'code.line.number': '12' })?.line).toBe(12);
    expect(codeLocationOf({ 'code.file.path': '/a.ts', 'code.line.number': 0 })?.line).toBeNull();
    expect(codeLocationOf({ 'code.file.path': '/a.ts', 'code.line.number': -3 })?.line).toBeNull();
    expect(codeLocationOf({ 'code.file.path': '/a.ts', 'code.line.number': 1.5 })?.line).toBeNull();
    expect(codeLocationOf({ 'code.file.path': '/a.ts', 'code.line.number': 'x' })?.line).toBeNull();
  });

  it('no file path, an empty one or a non-string one: no location', () => {
    expect(codeLocationOf({ 'code.line.number': 3 })).toBeNull();
    expect(codeLocationOf({ 'code.file.path': '  ' })).toBeNull();
    expect(codeLocationOf({ 'code.file.path': 42 })).toBeNull();
    expect(codeLocationOf({})).toBeNull();
  });

  it('code.stacktrace and the working directory from resource attributes', () => {
    expect(codeStacktraceOf({ 'code.stacktrace': 'Error\n    at f (/a.js:1:1)' })).toContain('at f');
    expect(codeStacktraceOf({ 'code.stacktrace': '' })).toBeNull();
    expect(workingDirectoryOf({ 'process.working_directory': '/srv/app' })).toBe('/srv/app');
    expect(workingDirectoryOf({ 'process.cwd': '/home/me/proj' })).toBe('/home/me/proj');
    expect(workingDirectoryOf({ 'service.name': 'x' })).toBeNull();
  });
});

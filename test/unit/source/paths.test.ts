import { describe, expect, it } from 'vitest';
import { fileUrlToPath, isAbsolutePath, joinPath, normalizePath, relativeInside } from '../../../src/core/source/paths';

describe('paths', () => {
  it('file:// URLs', () => {
    expect(fileUrlToPath('file:///work/a%20b/x.mjs')).toBe('/work/a b/x.mjs');
    expect(fileUrlToPath('file:///C:/src/x.js')).toBe('C:/src/x.js');
    expect(fileUrlToPath('file://server/share/x.js')).toBe('//server/share/x.js');
    expect(fileUrlToPath('/plain/path')).toBe('/plain/path');
  });

  it('normalizes POSIX, Windows and UNC paths the same way on every platform', () => {
    expect(normalizePath('/a//b/./c/../d.py')).toBe('/a/b/d.py');
    expect(normalizePath('C:\\Src\\App\\..\\x.cs')).toBe('c:/Src/x.cs');
    expect(normalizePath('\\\\server\\share\\x.cs')).toBe('//server/share/x.cs');
    expect(normalizePath('./app/main.py')).toBe('app/main.py');
    expect(normalizePath('../lib/x.py')).toBe('../lib/x.py');
    expect(normalizePath('/../x')).toBe('/x');
    expect(normalizePath('/a/b/')).toBe('/a/b');
  });

  it('absolute or not', () => {
    for (const p of ['/x', 'C:\\x', 'c:/x', '\\\\h\\s']) expect(isAbsolutePath(p)).toBe(true);
    for (const p of ['x/y', './x', 'x.java', 'C:x']) expect(isAbsolutePath(p)).toBe(false);
  });

  it('join and relative', () => {
    expect(joinPath('/w/demo', 'agent/x.mjs')).toBe('/w/demo/agent/x.mjs');
    expect(joinPath('/w/demo', '/abs/x')).toBe('/abs/x');
    expect(relativeInside('/w/demo', '/w/demo/agent/x.mjs')).toBe('agent/x.mjs');
    expect(relativeInside('/w/demo', '/w/demo')).toBe('');
    expect(relativeInside('/w/demo', '/w/demo2/x')).toBeNull();
    expect(relativeInside('C:\\W', 'c:/w/x.ts', true)).toBe('x.ts');
    expect(relativeInside('C:\\W', 'c:/w/x.ts', false)).toBeNull();
  });
});

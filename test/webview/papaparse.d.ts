/**
 * The part of papaparse the harness (`parse`, reading the Usage view's CSV back) and the Usage
 * view's code it type-checks (`unparse`, see webview/usage/papaparse.d.ts) use. Declared here
 * because `@types/papaparse` is not installed.
 */
declare module 'papaparse' {
  interface UnparseConfig {
    newline?: string;
    /** Prefixes cells that start with `=`, `+`, `-`, `@`, tab or CR with `'` (CSV injection). */
    escapeFormulae?: boolean | RegExp;
  }
  interface ParseConfig {
    /** The first row names the fields: rows are objects by field name. */
    header?: boolean;
    skipEmptyLines?: boolean | 'greedy';
  }
  interface ParseError {
    type: string;
    code: string;
    message: string;
    row?: number;
  }
  interface ParseResult<T> {
    data: T[];
    errors: ParseError[];
    meta: { fields?: string[]; delimiter: string; linebreak: string };
  }
  const Papa: {
    unparse(data: { fields: string[]; data: unknown[][] } | unknown[][], config?: UnparseConfig): string;
    /** Parses CSV text; with `header: true`, each row is an object of strings by field name. */
    parse(text: string, config: ParseConfig & { header: true }): ParseResult<Record<string, string>>;
  };
  export default Papa;
}

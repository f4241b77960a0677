/**
 * The part of papaparse the Usage view uses (`unparse`). Declared here because
 * `@types/papaparse` pulls in Node's types, which the webview build must not see.
 */
declare module 'papaparse' {
  interface UnparseConfig {
    quotes?: boolean | boolean[];
    quoteChar?: string;
    escapeChar?: string;
    delimiter?: string;
    header?: boolean;
    newline?: string;
    skipEmptyLines?: boolean | 'greedy';
    columns?: string[];
    /** Prefixes cells that start with `=`, `+`, `-`, `@`, tab or CR with `'` (CSV injection). */
    escapeFormulae?: boolean | RegExp;
  }
  const Papa: {
    /** Serializes rows to CSV (RFC 4180 quoting). */
    unparse(data: { fields: string[]; data: unknown[][] } | unknown[][], config?: UnparseConfig): string;
  };
  export default Papa;
}

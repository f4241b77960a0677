/** `.sql` and `.proto` files are imported as text (esbuild `text` loader; the same in vitest). */
declare module '*.sql' {
  const text: string;
  export default text;
}
declare module '*.proto' {
  const text: string;
  export default text;
}

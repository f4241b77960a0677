import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

/** Loads `.sql` and `.proto` files as text, as esbuild's `text` loader does in the real build. */
const textLoader = {
  name: 'text-loader',
  enforce: 'pre' as const,
  load(id: string) {
    if (id.endsWith('.sql') || id.endsWith('.proto')) {
      return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    }
    return null;
  },
};

export default defineConfig({
  plugins: [textLoader],
  test: {
    include: ['test/unit/**/*.test.ts'],
    globalSetup: ['test/unit/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Property tests and large fixtures are CPU-bound; two workers match the 2-core machines.
    maxWorkers: 2,
  },
});

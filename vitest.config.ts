import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Packages test against each other's source, so the suite needs no build first.
    alias: [
      {
        find: /^@market-pulse\/core\/testing$/,
        replacement: source('./packages/core/src/testing/index.ts'),
      },
      {
        find: /^@market-pulse\/core\/sample$/,
        replacement: source('./packages/core/src/sample/index.ts'),
      },
      {
        find: /^@market-pulse\/core\/store$/,
        replacement: source('./packages/core/src/store/index.ts'),
      },
      { find: /^@market-pulse\/core$/, replacement: source('./packages/core/src/index.ts') },
      {
        find: /^@market-pulse\/node\/spreadsheets$/,
        replacement: source('./packages/node/src/spreadsheets/index.ts'),
      },
      {
        find: /^@market-pulse\/node\/file-store$/,
        replacement: source('./packages/node/src/file-store.ts'),
      },
      { find: /^@market-pulse\/node$/, replacement: source('./packages/node/src/index.ts') },
      { find: /^@market-pulse\/http$/, replacement: source('./packages/http/src/index.ts') },
      { find: /^@market-pulse\/cli$/, replacement: source('./packages/cli/src/index.ts') },
      {
        find: /^@market-pulse\/storage-s3$/,
        replacement: source('./packages/storage-s3/src/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Property tests and large fixtures are CPU-bound; two workers match the 2-core machines.
    maxWorkers: 2,
    // Tests that do real work (a demo run, workbooks read back) must not fail because a shared
    // machine is slow today: timeouts catch hangs, they are not performance assertions.
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker thread entry is built next to the bundle (see `startTaskWorker`).
  entry: { index: 'src/index.ts', 'standing-files.worker': 'src/exports/standing-files.worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Resolves @market-pulse/core through its built package, so its types stay external.
  tsconfig: 'tsconfig.build.json',
});

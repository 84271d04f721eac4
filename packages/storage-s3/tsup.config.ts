import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Resolves @market-pulse/core through its built package, so its types stay external.
  tsconfig: 'tsconfig.build.json',
});

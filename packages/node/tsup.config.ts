import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  // Subpaths: the file store alone loads no spreadsheet library.
  'file-store': 'src/file-store.ts',
  'spreadsheets/index': 'src/spreadsheets/index.ts',
};

export default defineConfig({
  entry,
  format: ['esm'],
  dts: { entry },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Resolves @market-pulse/core through its built package, so its types stay external.
  tsconfig: 'tsconfig.build.json',
});

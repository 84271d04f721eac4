import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  // Subpaths: the file store alone loads no spreadsheet library.
  'file-store': 'src/file-store.ts',
  'spreadsheets/index': 'src/spreadsheets/index.ts',
};

export default defineConfig({
  // The export lane's worker entry is built next to the bundle (see `workerExportLane`).
  entry: { ...entry, 'standing-files.worker': 'src/exports/standing-files.worker.ts' },
  format: ['esm'],
  dts: { entry },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Resolves @market-pulse/core through its built package, so its types stay external.
  tsconfig: 'tsconfig.build.json',
});

import { columnKinds, DEFAULT_COLUMNS, defaultColumnConfig } from '@market-pulse/core';
import { generateColors } from '@market-pulse/core/sample';
import { writeXlsxFile } from '@market-pulse/node';

/**
 * Writes the benches' input: `rows` generated colors (seed 42, business date 2026-03-13) in the
 * default columns. The rows go straight to the file: a bench that kept them would carry them in its
 * heap through every measurement (a CLI process never holds them) and slow its collections.
 */
export async function writeSampleWorkbook(path: string, rows: number): Promise<void> {
  await writeXlsxFile(
    path,
    [{ name: 'Colors', rows: generateColors({ rows, seed: 42, businessDate: '2026-03-13' }) }],
    { columns: DEFAULT_COLUMNS.map((c) => c.name), kinds: columnKinds(defaultColumnConfig) },
  );
}

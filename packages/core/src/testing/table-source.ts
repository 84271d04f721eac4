import type { Cell } from '../parse/record.js';
import type { ColorSource } from '../ports/color-source.js';

/**
 * A color source of one table held in memory: a header row and data rows of cells, numbered from
 * 1 (the header) like a sheet. For tests and for hosts that receive rows (an API's JSON body).
 *
 * @example
 * ```ts
 * const { header, rows } = colorsToTable(generateColors({ rows: 100 }));
 * const { records } = await readColors(tableSource('inline', [header, ...rows]));
 * ```
 */
export function tableSource(name: string, table: readonly (readonly Cell[])[]): ColorSource {
  return {
    name,
    async *tables() {
      yield {
        rows: (async function* () {
          yield table.map((cells, i) => ({ number: i + 1, cells }));
        })(),
      };
    },
  };
}

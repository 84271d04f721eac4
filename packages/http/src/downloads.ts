import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './dependencies.js';
import { bytesOf } from './streams.js';

const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** The `format` of an export: a workbook or CSV. */
export const Format = z.enum(['xlsx', 'csv']).default('xlsx');

/** The documented response of an export: an xlsx or a CSV file. */
export const fileResponse = (description: string) => ({
  description,
  content: {
    [MIME.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
    'text/csv': { schema: z.string() },
  },
});

/** An export as a download. */
export async function download(
  c: Context<AppEnv>,
  exported: { bytes: AsyncIterable<Uint8Array>; rows: number },
  format: 'xlsx' | 'csv',
  name: string,
) {
  // Encoded whole before the first byte is sent: a failure is an error response, never a cut file.
  const bytes = await bytesOf(exported.bytes);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': MIME[format],
    'Content-Disposition': `attachment; filename="${name}.${format}"`,
    'X-Row-Count': String(exported.rows),
  });
}

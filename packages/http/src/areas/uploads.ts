import { createRoute, z } from '@hono/zod-openapi';
import {
  addUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  isMarketPulseError,
  listUploads,
  MarketPulseError,
  uploadOriginal,
} from '@market-pulse/core';
import type { Context } from 'hono';
import { changeBy } from '../change-by.js';
import type { AppDependencies, AppEnv } from '../dependencies.js';
import { IdempotencyHeaders, PageQuery, pageOf, pageSchema } from '../http-conventions.js';
import { idempotent } from '../idempotency.js';
import { area, jsonResponse, operationsOf, withLegacyPaths } from '../operations.js';
import { HttpProblem } from '../problems.js';

const UploadId = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, 'an upload id (letters, digits, . _ -)')
    .openapi({ param: { name: 'id', in: 'path' }, description: "The upload's id" }),
});
const Upload = z
  .looseObject({
    id: z.string(),
    status: z.looseObject({ state: z.enum(['pending', 'consumed', 'cancelled', 'unreadable']) }),
  })
  .openapi('Upload');
const UploadForm = z
  .object({
    file: z.any().openapi({
      type: 'string',
      format: 'binary',
      description: 'The colors: .xlsx or .csv, header and rows as in the template',
    }),
  })
  .openapi('UploadForm');
const Flag = z.enum(['true', 'false']).default('false');
const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** Who reads an upload: their scope, and their name (an uploader sees their own file's errors). */
const readerOf = (c: Context<AppEnv>) => ({
  scope: c.get('scope'),
  actor: c.get('principal').actor,
});

/** The upload buffer: upload, list with statuses, show with its report, cancel, clear, templates. */
export function uploadsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['uploads'];
  const bufferDeps = { store: deps.store, clock: deps.clock, ids: deps.ids };

  withLegacyPaths(
    app,
    [{ path: '/api/manual-colors/upload-excel', operationId: 'legacyUploadExcel' }],
    op(
      createRoute({
        method: 'post',
        path: '/api/uploads',
        operationId: 'addUpload',
        summary:
          'Upload a color file to the buffer (consumed by the next run); refused with the full report on any row error unless partial=true; duplicate content refused (409) unless force=true',
        tags,
        request: {
          headers: IdempotencyHeaders,
          query: z.object({ partial: Flag, force: Flag }),
          body: { required: true, content: { 'multipart/form-data': { schema: UploadForm } } },
        },
        responses: { 201: jsonResponse(Upload, 'The upload, pending') },
      }),
    ),
    async (c) => {
      const { partial, force } = c.req.valid('query');
      const file = c.req.valid('form').file as unknown;
      if (!(file instanceof File))
        throw new HttpProblem(
          400,
          'VALIDATION_ERROR',
          'send the colors as the multipart field "file" (a file, not text)',
          {
            issues: [{ field: 'form.file', message: 'expected a file' }],
          },
        );
      // The name is shown and stored: no control characters, at most 255 characters.
      const fileName =
        [...file.name]
          .filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20)
          .join('')
          .slice(-255) || 'upload';
      if (file.size > deps.limits.uploadBytes)
        throw new HttpProblem(
          413,
          'PAYLOAD_TOO_LARGE',
          `${fileName} is larger than the upload limit of ${deps.limits.uploadBytes} bytes`,
          {
            limitBytes: deps.limits.uploadBytes,
          },
        );
      const bytes = new Uint8Array(await file.arrayBuffer());
      const parsed = await deps.readUpload(fileName, bytes);
      const answer = await idempotent(
        deps,
        c,
        'upload',
        c.req.valid('header')['idempotency-key'],
        `${parsed.contentHash}:${partial}:${force}`,
        async () => {
          try {
            const upload = await addUpload(bufferDeps, {
              fileName,
              bytes,
              contentHash: parsed.contentHash,
              parsed,
              acceptValidRows: partial === 'true',
              force: force === 'true',
              actor: c.get('principal').actor,
            });
            return { status: 201, body: upload };
          } catch (err) {
            // Core leaves the remedy's wording to each adapter: here it is a query parameter.
            if (
              isMarketPulseError<{ reason?: string }>(err, 'VALIDATION_ERROR') &&
              err.details?.reason === 'row-errors'
            )
              throw new MarketPulseError(
                'VALIDATION_ERROR',
                `${err.message}; send ?partial=true to store the valid rows`,
                {
                  details: err.details,
                },
              );
            if (isMarketPulseError(err, 'CONFLICT') && !err.message.includes('force'))
              throw new MarketPulseError(
                'CONFLICT',
                `${err.message}; send ?force=true to upload it again`,
                { details: err.details },
              );
            throw err;
          }
        },
      );
      return c.json(answer.body as z.infer<typeof Upload>, 201);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/uploads',
        operationId: 'listUploads',
        summary:
          'The upload history, oldest first, each with its status (pending, consumed in run N, cancelled, unreadable)',
        tags,
        request: {
          query: PageQuery.extend({
            status: z.enum(['pending', 'consumed', 'cancelled', 'unreadable']).optional(),
          }),
        },
        responses: { 200: jsonResponse(pageSchema(Upload, 'UploadPage'), 'A page of uploads') },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const all = await listUploads(deps.store, readerOf(c));
      return c.json(
        pageOf(q.status ? all.filter((u) => u.status.state === q.status) : all, q),
        200,
      );
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/manual-colors/sample-template', operationId: 'legacyManualColorsTemplate' }],
    op(
      createRoute({
        method: 'get',
        path: '/api/uploads/template',
        operationId: 'getUploadTemplate',
        summary: 'The upload template (xlsx with instructions, or CSV)',
        tags,
        request: { query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }) },
        responses: {
          200: {
            description: 'The template',
            content: {
              [MIME.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
              'text/csv': { schema: z.string() },
            },
          },
        },
      }),
    ),
    async (c) => {
      const { format } = c.req.valid('query');
      const bytes = await deps.template(format);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': MIME[format],
        'Content-Disposition': `attachment; filename="market-pulse-template.${format}"`,
      });
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/uploads/{id}',
        operationId: 'getUpload',
        summary: 'One upload with its report: row errors and notices',
        tags,
        request: { params: UploadId },
        responses: { 200: jsonResponse(Upload, 'The upload') },
      }),
    ),
    async (c) => c.json(await getUpload(deps.store, c.req.valid('param').id, readerOf(c)), 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/uploads/{id}/original',
        operationId: 'getUploadOriginal',
        summary:
          'The file as it was uploaded (kept in the store): for its uploader and readers of every sector and column',
        tags,
        request: { params: UploadId },
        responses: {
          200: {
            description: 'The uploaded file',
            content: {
              [MIME.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
              'text/csv': { schema: z.string() },
            },
          },
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const upload = await getUpload(deps.store, id);
      // The file as sent holds every row and column, whatever the reader may see: only its
      // uploader and readers of every sector and column get it (no scoping of a raw file).
      const { rows, columns } = c.get('scope');
      const principal = c.get('principal');
      if (upload.actor !== principal.actor && !(rows.all && columns.all))
        throw new HttpProblem(
          403,
          'FORBIDDEN',
          `upload ${id}'s file holds rows you may not see: ask its uploader or an admin entitled to every sector`,
          { id },
        );
      const bytes = await uploadOriginal(deps.store, id);
      const csv = upload.fileName.toLowerCase().endsWith('.csv');
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': csv ? MIME.csv : MIME.xlsx,
        // The name as uploaded may hold anything: percent-encoded (RFC 6266), never raw.
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(upload.fileName)}`,
      });
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/uploads/{id}/cancel',
        operationId: 'cancelUpload',
        summary: 'Cancel a pending upload (the next run will not take it)',
        tags,
        request: { params: UploadId },
        responses: { 200: jsonResponse(Upload, 'The upload, cancelled') },
      }),
    ),
    async (c) => {
      const upload = await cancelUpload(bufferDeps, c.req.valid('param').id, changeBy(c));
      return c.json(upload, 200);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/manual-colors/clear', operationId: 'legacyClearManualColors' }],
    op(
      createRoute({
        method: 'post',
        path: '/api/uploads/clear',
        operationId: 'clearUploads',
        summary: 'Cancel every pending upload',
        tags,
        responses: {
          200: jsonResponse(
            z.object({ cancelled: z.array(z.string()) }).openapi('ClearedUploads'),
            'The ids cancelled',
          ),
        },
      }),
    ),
    async (c) => c.json({ cancelled: await clearUploads(bufferDeps, changeBy(c)) }, 200),
  );
  return app;
}

import { describe, expect, it } from 'vitest';
import { readScopeOf, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { scopeUpload } from './upload-scope.js';
import type { UploadView } from './upload-status.js';

const upload = {
  id: 'u1',
  fileName: 'colors.xlsx',
  contentHash: 'h',
  uploadedAt: '2026-11-29T09:00:00Z',
  afterRunId: 0,
  rows: 10,
  acceptedValidRows: true,
  errors: [
    { row: 3, column: 'PX', value: '1x', reason: 'not a number' },
    { row: 4, column: 'BIAS', value: 'BIDD', reason: 'unknown bias' },
  ],
  notices: [],
  actor: 'user:ann@desk.example',
  status: { state: 'pending' },
} as UploadView;
const scope = (assetClasses: string[]) =>
  readScopeOf(
    { kind: 'user', assetClasses, clo: null },
    { assetClasses: {} },
    {
      defaultColumns: ['BIAS'],
      types: {},
    },
  );

describe('scopeUpload', () => {
  it("row errors: the uploader's and every-sector readers' only, values of hidden columns hidden", () => {
    expect(
      scopeUpload(upload, { scope: scope(['CLO']), actor: 'user:bob@desk.example' }),
    ).toMatchObject({
      errors: [],
      errorsWithheld: 2,
      rows: 10,
    });
    expect(
      scopeUpload(upload, { scope: scope(['CLO']), actor: 'user:ann@desk.example' }).errors,
    ).toEqual([
      { row: 3, column: 'PX', value: null, reason: 'not a number' },
      { row: 4, column: 'BIAS', value: 'BIDD', reason: 'unknown bias' },
    ]);
    expect(scopeUpload(upload, { scope: scope(['*']), actor: 'x' }).errors[0]?.value).toBeNull();
    expect(scopeUpload(upload, { scope: UNRESTRICTED_READ_SCOPE, actor: 'x' })).toBe(upload);
  });
});

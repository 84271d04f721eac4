import type { ReadScope } from '../accounts/read-scope.js';
import type { UploadListing } from './upload-status.js';

/** Who reads an upload: what they may see, and their actor name (an uploader sees their own file). */
export interface UploadReader {
  scope: ReadScope;
  actor: string;
}

/**
 * An upload as `reader` may see it (SPEC §10). Its row errors quote cells of rows that could not
 * be read — their SECTOR is unknown — so only a reader of every sector, or the uploader (who sent
 * the file), sees them; others get the count (`errorsWithheld`). A VALUE whose column the reader
 * may not see is hidden. The rest (file name, counts, status) holds no row data.
 */
export function scopeUpload<U extends UploadListing>(upload: U, reader: UploadReader): U {
  if (!('errors' in upload)) return upload;
  const { rows, columns } = reader.scope;
  if (!rows.all && upload.actor !== reader.actor)
    return { ...upload, errors: [], errorsWithheld: upload.errors.length };
  if (columns.all) return upload;
  return {
    ...upload,
    errors: upload.errors.map((e) => (columns.allows(e.column) ? e : { ...e, value: null })),
  };
}

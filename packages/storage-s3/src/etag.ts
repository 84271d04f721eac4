// ETags as core sees them are bare (no quotes), so one object's ETag compares equal whatever the
// server returned. On the wire, S3 wants `If-Match` quoted (RFC 9110); Ceph RGW 16 compares it
// against the bare value and refuses the quoted form. The store starts quoted and switches when a
// server refuses an ETag that is in fact current (see `createS3Store`).

/** An ETag without its surrounding quotes (and without a weak `W/` marker). */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** How a server wants the ETag of an `If-Match` header. */
export type EtagForm = 'quoted' | 'bare';

/** `etag` (bare) in the given wire form. */
export function wireEtag(etag: string, form: EtagForm): string {
  return form === 'quoted' ? `"${etag}"` : etag;
}

/** True when `etag` is a plain MD5 (a single-part upload without KMS), so it checks the bytes. */
export function isMd5Etag(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

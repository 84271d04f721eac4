// A worker that fails the way a failing export does: with an fs error carrying its code.
throw Object.assign(new Error('disk full (test)'), { code: 'ENOSPC' });

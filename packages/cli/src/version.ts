import { createRequire } from 'node:module';

/** This package's version (`--version`, the API's `/version`). Resolves from src/ and from dist/ alike. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

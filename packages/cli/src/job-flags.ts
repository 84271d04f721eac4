import { isMarketPulseError, MarketPulseError } from '@market-pulse/core';

/** The flag that sets each job field (a refusal names what to type, not the stored field). */
const FLAG_OF_FIELD: Record<string, string> = {
  name: '--name',
  cron: '--cron',
  timezone: '--tz',
  graceMinutes: '--grace',
  retry: '--retries',
  'retry.count': '--retries',
  'retry.backoffMinutes': '--retry-backoff',
  holidays: '--holidays',
  source: '--source',
  rules: '--rules',
};

/** A job refused by core (`invalid job: cron: …`), retold with the flags: `--cron: …`. */
export function withJobFlags(err: unknown): unknown {
  if (
    !isMarketPulseError<{ issues?: { path: PropertyKey[]; message: string }[] }>(
      err,
      'VALIDATION_ERROR',
    )
  )
    return err;
  const issues = err.details?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return err;
  const flagOf = (path: PropertyKey[]) => {
    const key = path.filter((p) => typeof p === 'string').join('.');
    return FLAG_OF_FIELD[key] ?? FLAG_OF_FIELD[String(path[0])] ?? String(path[0] ?? 'job');
  };
  return new MarketPulseError(
    'VALIDATION_ERROR',
    issues.map((i) => `${flagOf(i.path)}: ${i.message}`).join('; '),
    { details: { ...err.details, fields: issues.map((i) => flagOf(i.path)) }, cause: err },
  );
}

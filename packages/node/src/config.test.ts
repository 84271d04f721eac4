import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults with no environment at all', () => {
    expect(loadConfig({})).toMatchObject({
      dataDir: './market-pulse-data',
      source: undefined,
      rankDateField: 'DATE_1',
      uploadLimits: { maxBytes: 52_428_800 },
      guards: { minSourceRows: 0, rejectUnchangedSource: false },
      lease: { ttlSeconds: 60, heartbeatSeconds: 15 },
      sectorExportFormats: ['csv'],
      parse: { decimalSeparator: '.', impreciseIds: 'keep' },
      http: { port: 3334, host: '127.0.0.1', corsOrigins: [] },
      dashboard: { freshnessMs: 1000, maxRows: 5_000_000 },
    });
  });

  it("reads the dashboard index's freshness window and row budget", () => {
    expect(
      loadConfig({ MP_DASHBOARD_FRESHNESS_MS: '0', MP_DASHBOARD_MAX_ROWS: '200000' }).dashboard,
    ).toEqual({ freshnessMs: 0, maxRows: 200_000 });
    expect(() => loadConfig({ MP_DASHBOARD_MAX_ROWS: '0' })).toThrow(/MP_DASHBOARD_MAX_ROWS/);
    expect(() => loadConfig({ MP_DASHBOARD_FRESHNESS_MS: '-1' })).toThrow(
      /MP_DASHBOARD_FRESHNESS_MS/,
    );
  });

  it('reads how long account documents are trusted, within the bound', () => {
    expect(loadConfig({}).accounts.cacheMs).toBe(1000);
    expect(loadConfig({ MP_ACCOUNTS_CACHE_MS: '0' }).accounts.cacheMs).toBe(0);
    expect(loadConfig({ MP_ACCOUNTS_CACHE_MS: '60000' }).accounts.cacheMs).toBe(60_000);
    expect(() => loadConfig({ MP_ACCOUNTS_CACHE_MS: '60001' })).toThrow(
      /MP_ACCOUNTS_CACHE_MS.*at most 60000/s,
    );
    expect(() => loadConfig({ MP_ACCOUNTS_CACHE_MS: '-1' })).toThrow(/MP_ACCOUNTS_CACHE_MS/);
  });

  it('reads where serve listens and the allowed browser origins', () => {
    const config = loadConfig({
      MP_PORT: '8080',
      MP_HOST: '0.0.0.0',
      MP_CORS_ORIGINS: 'https://desk.example.com, http://127.0.0.1:5173',
    });
    expect(config.http).toEqual({
      port: 8080,
      host: '0.0.0.0',
      corsOrigins: ['https://desk.example.com', 'http://127.0.0.1:5173'],
      trustProxy: false,
    });
    expect(loadConfig({ MP_TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(() => loadConfig({ MP_PORT: '70000' })).toThrow(/MP_PORT/);
    expect(() => loadConfig({ MP_CORS_ORIGINS: 'https://desk.example.com/' })).toThrow(
      /MP_CORS_ORIGINS.*must be an origin/,
    );
    expect(() => loadConfig({ MP_CORS_ORIGINS: '*' })).toThrow(/MP_CORS_ORIGINS/);
  });

  it('reads the account settings; the token signing key is never required', () => {
    expect(loadConfig({}).accounts).toEqual({
      tokenSigningKey: undefined,
      adminEmail: undefined,
      adminPasswordFile: undefined,
      publicUrl: undefined,
      maintenanceSeconds: 300,
      cacheMs: 1000,
    });
    const config = loadConfig({
      MP_ADMIN_EMAIL: 'ops@desk.example.com',
      MP_ADMIN_PASSWORD_FILE: '/run/secrets/admin',
      MP_PUBLIC_URL: 'https://pulse.desk.example.com/',
    });
    expect(config.accounts).toMatchObject({
      adminEmail: 'ops@desk.example.com',
      adminPasswordFile: '/run/secrets/admin',
      publicUrl: 'https://pulse.desk.example.com/',
    });
    expect(() => loadConfig({ MP_PUBLIC_URL: 'not a url' })).toThrow(/MP_PUBLIC_URL/);
  });

  it('reads what to do with imprecise MESSAGE_IDs: keep (default) or reject', () => {
    expect(loadConfig({ MP_IMPRECISE_ID: 'reject' }).parse.impreciseIds).toBe('reject');
    expect(() => loadConfig({ MP_IMPRECISE_ID: 'drop' })).toThrow(
      /MP_IMPRECISE_ID="drop": expected keep or reject/,
    );
  });

  it('reads the decimal separator of ;- and tab-delimited files: "." or ","', () => {
    expect(loadConfig({ MP_DECIMAL_SEPARATOR: ',' }).parse.decimalSeparator).toBe(',');
    expect(loadConfig({ MP_DECIMAL_SEPARATOR: ' . ' }).parse.decimalSeparator).toBe('.');
    expect(() => loadConfig({ MP_DECIMAL_SEPARATOR: 'comma' })).toThrow(
      /MP_DECIMAL_SEPARATOR="comma": expected "\." or ","/,
    );
  });

  it('reads the per-sector export formats as a list: csv, xlsx or both', () => {
    const formats = (value: string) =>
      loadConfig({ MP_SECTOR_EXPORT_FORMATS: value }).sectorExportFormats;
    expect(formats('xlsx')).toEqual(['xlsx']);
    expect(formats(' XLSX , csv ')).toEqual(['xlsx', 'csv']);
    expect(() => formats('pdf')).toThrow(
      /MP_SECTOR_EXPORT_FORMATS="pdf": expected csv, xlsx or both \(xlsx,csv\)/,
    );
    expect(() => formats('csv,')).toThrow(/MP_SECTOR_EXPORT_FORMATS/);
    expect(() => formats('csv,csv')).toThrow(/a format is listed twice/);
  });

  it('reads MP_* variables; overrides (CLI flags) win; empty counts as unset', () => {
    const config = loadConfig(
      {
        MP_DATA_DIR: '/srv/mp',
        MP_SOURCE: ' ',
        MP_RANK_DATE_FIELD: 'DATE',
        MP_GUARD_REJECT_UNCHANGED_SOURCE: 'yes',
        MP_BUSINESS_TZ: 'Europe/London',
      },
      { MP_DATA_DIR: './elsewhere' },
    );
    expect(config).toMatchObject({
      dataDir: './elsewhere',
      source: undefined,
      rankDateField: 'DATE',
      businessTimeZone: 'Europe/London',
    });
    expect(config.guards.rejectUnchangedSource).toBe(true);
  });

  it('refuses bad values, naming every variable and what it expects', () => {
    expect(() =>
      loadConfig({
        MP_RANK_DATE_FIELD: 'DATE2',
        MP_UPLOAD_MAX_BYTES: '10MB',
        MP_BUSINESS_TZ: 'EST5',
      }),
    ).toThrow(
      /MP_RANK_DATE_FIELD="DATE2".*MP_BUSINESS_TZ="EST5": not an IANA time zone.*MP_UPLOAD_MAX_BYTES="10MB"/,
    );
    expect(() => loadConfig({ MP_HEARTBEAT_SECONDS: '40' })).toThrow(
      /at most half of MP_LEASE_TTL_SECONDS/,
    );
  });
});

describe('loadConfig: the store (MP_STORE)', () => {
  it('is the file store in the data folder when unset or file://', () => {
    expect(loadConfig({}).store).toEqual({ kind: 'file' });
    const file = loadConfig({ MP_STORE: 'file:///srv/mp' });
    expect(file.store).toEqual({ kind: 'file' });
    expect(file.dataDir).toBe('/srv/mp');
    // A --data-dir flag still wins; two variables naming different folders are refused.
    expect(loadConfig({ MP_STORE: 'file:///srv/mp' }, { MP_DATA_DIR: './x' }).dataDir).toBe('./x');
    expect(() => loadConfig({ MP_STORE: 'file:///srv/mp', MP_DATA_DIR: '/srv/other' })).toThrow(
      /MP_STORE \(file:\/\/\/srv\/mp\) and MP_DATA_DIR \(\/srv\/other\) name different data folders/,
    );
  });

  it('is a bucket and prefix with s3://, with the MP_S3_* variables and AWS_REGION', () => {
    expect(
      loadConfig({
        MP_STORE: 's3://desk-data/market-pulse/prod/',
        MP_S3_ENDPOINT: 'http://127.0.0.1:7480',
        MP_S3_FORCE_PATH_STYLE: 'true',
        AWS_REGION: 'eu-west-2',
      } as Record<string, string>).store,
    ).toEqual({
      kind: 's3',
      bucket: 'desk-data',
      prefix: 'market-pulse/prod',
      region: 'eu-west-2',
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
    });
    expect(loadConfig({ MP_STORE: 's3://desk-data', MP_S3_REGION: 'us-west-1' }).store).toEqual({
      kind: 's3',
      bucket: 'desk-data',
      prefix: '',
      region: 'us-west-1',
      endpoint: undefined,
      forcePathStyle: false,
    });
  });

  it('refuses a store it cannot read, saying what it expects', () => {
    for (const bad of [
      's3://',
      's3://Bad_Bucket/x',
      'http://bucket',
      '/srv/mp',
      's3://ok-bucket/sp ace',
    ])
      expect(() => loadConfig({ MP_STORE: bad })).toThrow(
        /MP_STORE=.*expected s3:\/\/<bucket>\/<prefix>/,
      );
    expect(() => loadConfig({ MP_STORE: 's3://b-1', MP_S3_ENDPOINT: 'localhost' })).toThrow(
      /MP_S3_ENDPOINT="localhost": expected the S3 server URL/,
    );
  });
});

describe('loadConfig: where the exports land (MP_EXPORTS)', () => {
  it('is unset by default (the S3 store puts them at its bucket root) and reads s3://bucket/prefix', () => {
    expect(loadConfig({ MP_STORE: 's3://desk-data/mp' }).exports).toBeUndefined();
    expect(
      loadConfig({ MP_STORE: 's3://desk-data/mp', MP_EXPORTS: 's3://desk-exports/' }).exports,
    ).toEqual({ bucket: 'desk-exports', prefix: '' });
    expect(
      loadConfig({ MP_STORE: 's3://desk-data/mp', MP_EXPORTS: 's3://desk-data/feeds/colors' })
        .exports,
    ).toEqual({ bucket: 'desk-data', prefix: 'feeds/colors' });
  });

  it('refuses a value that is not s3://bucket/prefix, and S3 exports beside a file store', () => {
    expect(() => loadConfig({ MP_STORE: 's3://desk-data', MP_EXPORTS: '/srv/exports' })).toThrow(
      /MP_EXPORTS="\/srv\/exports": expected s3:\/\/<bucket>\/<prefix>/,
    );
    expect(() => loadConfig({ MP_EXPORTS: 's3://desk-exports' })).toThrow(
      /MP_EXPORTS \(s3:\/\/desk-exports\) needs an S3 store \(MP_STORE=s3:\/\/<bucket>\/<prefix>\)/,
    );
  });
});

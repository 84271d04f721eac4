import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_VISIBLE_COLUMNS, type CloMappings, mappableColumns } from './clo-mappings.js';
import { readScopeOf, UNRESTRICTED_READ_SCOPE } from './read-scope.js';
import { scopeRows } from './scope-rows.js';

const COLUMNS = mappableColumns();
const SECTORS = ['MM-CLO', 'BSL', 'Auto', 'Card', '2.0_Mezz'];
const sector = fc.constantFrom(...SECTORS, ...SECTORS.map((s) => s.toLowerCase()));
const columns = fc.oneof(fc.constant('*' as const), fc.subarray(COLUMNS));
const mappings = fc.record({
  defaultColumns: columns,
  types: fc.record({
    CLO: fc.record({ columns }),
    CLO_MEZZ: fc.record({
      parent: fc.constant('CLO'),
      columns: fc.option(columns, { nil: undefined }),
    }),
  }),
}) as fc.Arbitrary<Pick<CloMappings, 'defaultColumns' | 'types'>>;
const entitlements = fc.record({
  assetClasses: fc.dictionary(fc.constantFrom('CLO', 'ABS'), fc.subarray(SECTORS)),
});
const principal = fc.record({
  kind: fc.constantFrom('user' as const, 'api-key' as const),
  role: fc.constantFrom('admin', 'user', 'viewer'),
  assetClasses: fc.subarray(['CLO', 'ABS', '*', 'UNDEFINED']),
  clo: fc.constantFrom(null, 'CLO', 'clo_mezz', 'GONE'),
});
const row = fc.record({
  SECTOR: sector,
  CUSIP: fc.constant('12345ABC1'),
  PX: fc.double(),
  TICKER: fc.string(),
});

describe('readScopeOf', () => {
  it('rows: none without an entitlement, every one with *, else exactly their sectors (any case) — admins too', () => {
    fc.assert(
      fc.property(principal, entitlements, mappings, fc.array(row), (who, ents, maps, rows) => {
        const scope = readScopeOf(who, ents, maps);
        const seen = scopeRows(rows, scope);
        if (who.assetClasses.length === 0) expect(seen).toEqual([]);
        if (who.assetClasses.includes('*')) expect(seen).toHaveLength(rows.length);
        else {
          const mine = new Set(
            who.assetClasses.flatMap((c) => ents.assetClasses[c] ?? []).map((s) => s.toUpperCase()),
          );
          expect(seen.map((r) => r.SECTOR)).toEqual(
            rows.map((r) => r.SECTOR).filter((s) => mine.has(s.toUpperCase())),
          );
        }
      }),
    );
  });

  it('columns: the CLO type’s (a subtype inherits unless overridden), the default without a CLO, only the always-visible ones for an unknown type', () => {
    fc.assert(
      fc.property(principal, entitlements, mappings, (who, ents, maps) => {
        const scope = readScopeOf(who, ents, maps);
        const clo = who.clo?.toUpperCase() ?? null;
        const granted =
          clo === null
            ? maps.defaultColumns
            : clo === 'CLO'
              ? maps.types.CLO?.columns
              : clo === 'CLO_MEZZ'
                ? (maps.types.CLO_MEZZ?.columns ?? maps.types.CLO?.columns)
                : [];
        for (const column of [...COLUMNS, 'PASS_THROUGH'])
          expect(scope.columns.allows(column)).toBe(
            granted === '*' ||
              (granted ?? []).includes(column) ||
              (ALWAYS_VISIBLE_COLUMNS as readonly string[]).includes(column),
          );
        const projected = scopeRows([{ SECTOR: 'x', PX: 1, CUSIP: 'C' }], {
          ...scope,
          rows: UNRESTRICTED_READ_SCOPE.rows,
        })[0];
        expect(Object.keys(projected ?? {}).every((k) => scope.columns.allows(k))).toBe(true);
      }),
    );
  });

  it('the local operator sees everything', () => {
    expect(
      readScopeOf(
        { kind: 'local', assetClasses: [], clo: 'GONE' },
        { assetClasses: {} },
        {
          defaultColumns: [],
          types: {},
        },
      ),
    ).toBe(UNRESTRICTED_READ_SCOPE);
  });
});

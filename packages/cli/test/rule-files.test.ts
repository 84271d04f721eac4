// One rule-file reader for every command (SPEC §14 forms), `active` defaulting to true, messages
// naming the field in desk words; rules named by name wherever a person reads, ids in --json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-rulefile-');

const DZ = { name: 'Remove DZ Bank', when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' } };
const FORMS: [string, unknown][] = [
  ['one rule without id or active', DZ],
  ['an array', [DZ]],
  ['{"rules": [...]}', { rules: [DZ] }],
  [
    'the legacy form',
    [
      {
        id: 7,
        name: 'Remove DZ Bank',
        conditions: [{ type: 'where', column: 'SOURCE', operator: 'equals', value: 'DZ Bank' }],
      },
    ],
  ],
];

async function setUp() {
  const cwd = await workspace();
  const table = colorsToTable(generateColors({ rows: 300, seed: 21, businessDate: '2026-11-20' }));
  await writeFile(
    join(cwd, 'colors.csv'),
    [
      table.header.join(','),
      ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
    ].join('\n'),
  );
  return cwd;
}

describe('rule files', () => {
  it.each(FORMS)(
    '%s: rules test, run --dry-run --rules, rules add and rules import all take it',
    async (_label, doc) => {
      const cwd = await setUp();
      await writeFile(join(cwd, 'rule.json'), JSON.stringify(doc));
      const test = await cli(cwd, ['rules', 'test', 'rule.json', '--source', 'colors.csv']);
      expect(test.stderr).toBe('');
      expect(test.code).toBe(0);
      // By name, with the deciding condition in words.
      expect(test.stdout).toMatch(/would be excluded \(Remove DZ Bank \d+\)/);
      expect(test.stdout).toMatch(
        /"Remove DZ Bank": SOURCE equal_to "DZ Bank" \(row: "DZ Bank"\)/i,
      );
      const dry = await cli(cwd, [
        'run',
        '--dry-run',
        '--source',
        'colors.csv',
        '--rules',
        'rule.json',
      ]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/excluded \(Remove DZ Bank \d+\)/);
      expect((await cli(cwd, ['init'])).code).toBe(0);
      const added = await cli(cwd, ['rules', 'add', 'rule.json', '--json']);
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({
        name: 'Remove DZ Bank',
        active: true,
        version: 1,
      });
      // The same name again is refused (rules add), renamed (rules import).
      const again = await cli(cwd, ['rules', 'add', 'rule.json']);
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(/name "Remove DZ Bank" is used by another rule/);
      expect((await cli(cwd, ['rules', 'import', 'rule.json'])).stdout).toMatch(
        /imported #1 Remove DZ Bank \(2\)/,
      );
    },
  );

  it('refuses in desk words, naming the rule and the field', async () => {
    const cwd = await setUp();
    const cases: [unknown, RegExp][] = [
      [{ when: DZ.when }, /rule #1: name: missing: every rule needs a name/],
      [{ name: 'x' }, /rule x: when: missing: a condition is \{"field": COLUMN/],
      [
        { ...DZ, active: 'yes' },
        /rule Remove DZ Bank: active: must be true or false \(got "yes"\)/,
      ],
      [
        { ...DZ, enabled: true },
        /rule Remove DZ Bank: \(rule\): unknown field "enabled" \(a rule has name, active/,
      ],
      [
        { name: 'x', when: { field: 'PX', op: 'gt' } },
        /rule x: when \(PX gt\): greater_than needs a value/,
      ],
      [{ name: 'x', when: { all: [{ field: 'PX' }] } }, /rule x: when\.all\.0\.op: missing/],
    ];
    for (const [doc, message] of cases) {
      await writeFile(join(cwd, 'bad.json'), JSON.stringify(doc));
      const r = await cli(cwd, ['rules', 'test', 'bad.json', '--source', 'colors.csv']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 3,
        stderr: expect.stringMatching(message),
      });
      expect(r.stderr).not.toMatch(/Invalid input|expected \w+, received/);
    }
  });

  it('rules add and edit take one rule; a file of several points to rules import', async () => {
    const cwd = await setUp();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    await writeFile(join(cwd, 'two.json'), JSON.stringify([DZ, { ...DZ, name: 'Other' }]));
    const r = await cli(cwd, ['rules', 'add', 'two.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /two\.json holds 2 rules; rules add takes one \(to add them all: market-pulse rules import two\.json\)/,
    );
    await writeFile(join(cwd, 'one.json'), JSON.stringify({ ...DZ, active: false }));
    const added = JSON.parse((await cli(cwd, ['rules', 'add', 'one.json', '--json'])).stdout);
    expect(added.active).toBe(false);
    await writeFile(join(cwd, 'edit.json'), JSON.stringify({ name: 'Renamed', when: DZ.when }));
    const edited = await cli(cwd, ['rules', 'edit', added.id, 'edit.json', '--json']);
    expect(JSON.parse(edited.stdout)).toMatchObject({
      id: added.id,
      name: 'Renamed',
      active: true,
      version: 2,
    });
  });
});

describe('rules named by name', () => {
  it('run, runs show and demo list exclusions by name; --json keeps ids (and gives names)', async () => {
    const cwd = await setUp();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    await writeFile(join(cwd, 'rule.json'), JSON.stringify(DZ));
    const rule = JSON.parse((await cli(cwd, ['rules', 'add', 'rule.json', '--json'])).stdout);
    expect(rule.id).toMatch(/^[0-9a-f-]{36}$/);
    const run = await cli(cwd, ['run', '--source', 'colors.csv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/excluded: \d+ \(Remove DZ Bank \d+\)/);
    expect(run.stdout).not.toContain(rule.id);
    const show = await cli(cwd, ['runs', 'show', '1']);
    expect(show.stdout).toMatch(/excluded: \d+ \(Remove DZ Bank \d+\)/);
    const json = JSON.parse((await cli(cwd, ['runs', 'show', '1', '--json'])).stdout);
    expect(Object.keys(json.counts.excludedByRule)).toEqual([rule.id]);
    expect(json.ruleNames).toEqual({ [rule.id]: 'Remove DZ Bank' });
    // A rule renamed later: the run still reads with the name it ran under.
    await writeFile(join(cwd, 'renamed.json'), JSON.stringify({ ...DZ, name: 'DZ out' }));
    expect((await cli(cwd, ['rules', 'edit', rule.id, 'renamed.json'])).code).toBe(0);
    expect((await cli(cwd, ['runs', 'show', '1'])).stdout).toMatch(/\(Remove DZ Bank \d+\)/);
  });
});

// The current view by reference (issue 15 item 2): for each CUSIP, which visible run holds its
// rows in the view, and how many rows that is. A run that commits moves its CUSIPs to itself; a
// hidden run gives its CUSIPs back to the newest older visible run that has them. The view's
// rows are read from the runs' own partitions, so a run writes about its own size, not the view's.

/** One run the view takes rows from: its CUSIPs (in the view) and their row counts. */
export interface IndexedRun {
  run: number;
  cusips: Map<string, number>;
}

/** The view's index: runs newest first, each CUSIP under exactly one run. */
export interface ViewIndex {
  runs: IndexedRun[];
}

/** The row count of each CUSIP in a run's output, in order of first appearance. */
export function cusipCounts(cusips: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const cusip of cusips) counts.set(cusip, (counts.get(cusip) ?? 0) + 1);
  return counts;
}

/** The run holding each CUSIP of the index. */
function ownerOf(index: ViewIndex): Map<string, IndexedRun> {
  const owner = new Map<string, IndexedRun>();
  for (const entry of index.runs) for (const cusip of entry.cusips.keys()) owner.set(cusip, entry);
  return owner;
}

/**
 * Gives run `run` the CUSIPs of `counts` that no newer run holds (a run that commits, or one
 * restored): they leave the older runs that held them. Returns a new index.
 */
export function takeOver(index: ViewIndex, run: number, counts: Map<string, number>): ViewIndex {
  const owner = ownerOf(index);
  const taken = new Map<string, number>();
  const leaving = new Map<IndexedRun, string[]>();
  for (const [cusip, rows] of counts) {
    const holder = owner.get(cusip);
    if (holder && holder.run > run) continue;
    taken.set(cusip, rows);
    if (holder) leaving.set(holder, [...(leaving.get(holder) ?? []), cusip]);
  }
  const runs: IndexedRun[] = [];
  for (const entry of index.runs) {
    if (entry.run === run) continue;
    const gone = leaving.get(entry);
    if (!gone) {
      runs.push(entry);
      continue;
    }
    const cusips = new Map(entry.cusips);
    for (const cusip of gone) cusips.delete(cusip);
    if (cusips.size > 0) runs.push({ run: entry.run, cusips });
  }
  const existing = index.runs.find((e) => e.run === run);
  if (existing) for (const [cusip, rows] of existing.cusips) taken.set(cusip, rows);
  if (taken.size > 0) runs.push({ run, cusips: taken });
  runs.sort((a, b) => b.run - a.run);
  return { runs };
}

/** The index without run `run`, and the CUSIPs it held (to be given to older runs). */
export function release(index: ViewIndex, run: number): { index: ViewIndex; orphans: Set<string> } {
  const entry = index.runs.find((e) => e.run === run);
  return {
    index: { runs: index.runs.filter((e) => e.run !== run) },
    orphans: new Set(entry?.cusips.keys() ?? []),
  };
}

/** How many rows the view has. */
export const indexRows = (index: ViewIndex): number =>
  index.runs.reduce((n, e) => n + [...e.cusips.values()].reduce((a, b) => a + b, 0), 0);

/** The index as JSON lines: one line per run, newest first. */
export function indexLines(index: ViewIndex): string[] {
  return index.runs.map((e) =>
    JSON.stringify({ run: e.run, cusips: [...e.cusips.keys()], rows: [...e.cusips.values()] }),
  );
}

/** The index from its JSON lines; `undefined` when they are not an index. */
export function indexFromLines(lines: readonly string[]): ViewIndex | undefined {
  const runs: IndexedRun[] = [];
  for (const line of lines) {
    const value = JSON.parse(line) as { run?: unknown; cusips?: unknown; rows?: unknown };
    const { run, cusips, rows } = value ?? {};
    if (
      !Number.isSafeInteger(run) ||
      !Array.isArray(cusips) ||
      !Array.isArray(rows) ||
      cusips.length !== rows.length ||
      !cusips.every((c) => typeof c === 'string') ||
      !rows.every((r) => Number.isSafeInteger(r) && (r as number) > 0)
    )
      return undefined;
    runs.push({ run: run as number, cusips: new Map(cusips.map((c, i) => [c, rows[i]])) });
  }
  return { runs };
}

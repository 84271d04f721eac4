// A child process for the multi-process tests: races other processes on one store folder.
//   store-writer.ts <dir> count <n>     — n compare-and-swap increments of counters/n
//   store-writer.ts <dir> create <n>    — tries to create race/0..n-1; prints the ones it won
//   store-writer.ts <dir> allocate <n> — allocates n numbers from counters/run-id.json; prints them
//   store-writer.ts <dir> lease         — takes locks/pipeline.json, prints 'held', then waits to be killed
//   store-writer.ts <dir> churn         — rewrites docs forever (killed by the test)
//   store-writer.ts <dir> upload <n>    — prints 'ready', waits for a line on stdin, then adds the
//                                         same file to the upload buffer n times; prints how many
//                                         were accepted
import { randomUUID } from 'node:crypto';
import { addUpload, isMarketPulseError } from '@market-pulse/core';
import { generateColors } from '@market-pulse/core/sample';
import { allocateNumber, createLeases } from '@market-pulse/core/store';
import { createFileStore } from '../src/file-store.js';
import { createProcessProbe } from '../src/process-probe.js';
import { systemClock } from '../src/system-clock.js';

const [dir, mode, arg] = process.argv.slice(2) as [string, string, string | undefined];
const store = createFileStore({ dir });
const encode = (s: string) => new TextEncoder().encode(s);

async function increment(): Promise<void> {
  for (;;) {
    const current = await store.get('counters/n');
    const value = current ? Number(new TextDecoder().decode(current.body).split(':')[0]) : 0;
    // The writer's pid makes equal counts distinct bytes, as a generation number does for documents.
    const body = encode(`${value + 1}:${process.pid}`);
    try {
      if (current) await store.put('counters/n', body, { ifMatch: current.etag });
      else await store.put('counters/n', body, { ifNoneMatch: '*' });
      return;
    } catch (err) {
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED') && !isMarketPulseError(err, 'NOT_FOUND'))
        throw err;
    }
  }
}

if (mode === 'count') {
  for (let i = 0; i < Number(arg); i++) await increment();
} else if (mode === 'create') {
  const won: number[] = [];
  for (let i = 0; i < Number(arg); i++) {
    try {
      await store.put(`race/${i}`, encode(`winner ${process.pid}`), { ifNoneMatch: '*' });
      won.push(i);
    } catch (err) {
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED')) throw err;
    }
  }
  process.stdout.write(JSON.stringify(won));
} else if (mode === 'allocate') {
  const numbers: number[] = [];
  for (let i = 0; i < Number(arg); i++)
    numbers.push(await allocateNumber(store, 'counters/run-id.json'));
  process.stdout.write(JSON.stringify(numbers));
} else if (mode === 'lease') {
  const probe = createProcessProbe();
  const leases = createLeases({
    store,
    clock: systemClock,
    ttlMs: 60_000,
    probe,
  });
  const attempt = await leases.tryAcquire('locks/pipeline.json', {
    id: `run-${process.pid}`,
    ...probe,
  });
  process.stdout.write(attempt.acquired ? 'held\n' : 'busy\n');
  setInterval(() => undefined, 60_000); // stay alive, holding the lease, until killed
} else if (mode === 'churn') {
  for (let i = 0; ; i++) {
    await store.put(`churn/${i % 7}`, encode(JSON.stringify({ i, pad: 'x'.repeat(i % 5000) })));
    process.stdout.write(`wrote ${i}\n`);
  }
}

if (mode === 'upload') {
  // Every writer starts adding at once (the test says go once all are up), so they race.
  const go = new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write('ready\n');
  await go;
  process.stdin.pause();
  let accepted = 0;
  for (let i = 0; i < Number(arg); i++) {
    try {
      await addUpload(
        { store, clock: systemClock, ids: { nextId: () => randomUUID() } },
        {
          fileName: 'same.csv',
          bytes: encode('the same file'),
          contentHash: 'same-content',
          parsed: { records: generateColors({ rows: 20, seed: 4 }), errors: [], notices: [] },
        },
      );
      accepted++;
    } catch (err) {
      if (!isMarketPulseError(err, 'CONFLICT')) throw err;
    }
  }
  process.stdout.write(`accepted ${accepted}\n`);
}

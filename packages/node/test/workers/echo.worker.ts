// A worker that answers each task with the task doubled, and fails on a negative one.
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (task: number) => {
  if (task < 0) throw Object.assign(new Error(`negative task ${task}`), { code: 'ERANGE' });
  parentPort?.postMessage(task * 2);
});

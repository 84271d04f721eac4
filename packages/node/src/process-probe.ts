import { readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import type { ProcessProbe } from '@market-pulse/core';

/** True when a process with this PID exists on this host (EPERM: it exists, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: the boot time, to the minute, tells reboots apart.
    return `boot-${Math.round((Date.now() - uptime() * 1000) / 60_000)}`;
  }
}

/** This process as the lease code sees it: host, PID, boot id, and a liveness check for other PIDs. */
export function createProcessProbe(): ProcessProbe {
  return { host: hostname(), pid: process.pid, bootId: readBootId(), isAlive: isProcessAlive };
}

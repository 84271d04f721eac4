/** Who a process is, and whether another process on the same host is alive (for breaking leases of dead processes). */
export interface ProcessProbe {
  /** This host's name, as recorded in the leases this process holds. */
  host: string;
  /** This process's id. */
  pid: number;
  /** Changes when the host reboots (Linux: /proc/sys/kernel/random/boot_id). */
  bootId: string;
  /** Whether the process `pid` is running on this host now. */
  isAlive(pid: number): boolean;
}

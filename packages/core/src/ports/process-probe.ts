/** Who a process is, and whether another process on the same host is alive (for breaking leases of dead processes). */
export interface ProcessProbe {
  host: string;
  pid: number;
  /** Changes when the host reboots (Linux: /proc/sys/kernel/random/boot_id). */
  bootId: string;
  isAlive(pid: number): boolean;
}

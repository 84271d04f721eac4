// A one-node Ceph cluster with an RGW (S3) front end on 127.0.0.1, in a temp folder, for tests:
// the only S3 server available here that honours conditional writes (TOOLING.md, S3 section).
// Memory-backed OSD, auth none, every path (pid, socket, log, data) inside the folder; stopped by
// the PIDs in its pid files.
import { execFile as execFileCb } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const execFile = promisify(execFileCb);

/** A running RGW and how to reach it. */
export interface RgwServer {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A new, empty bucket with a unique name. */
  createBucket(): Promise<string>;
  /** Stops the daemons (by PID) and removes the folder. */
  stop(): Promise<void>;
}

const DAEMONS = ['client.rgw.a', 'osd.0', 'mon.a'];

/** A TCP port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const MISSING =
  'Ceph RGW is not installed: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd (.ci/run does it)';

async function run(dir: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFile(command, ['-c', join(dir, 'ceph.conf'), ...args], {
      timeout: 120_000,
    });
    return stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING);
    const e = err as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

async function waitForHttp(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      if (Date.now() > until)
        throw new Error(`RGW did not answer on ${url} within ${deadlineMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function pidOf(dir: string, daemon: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'run', `${daemon}.pid`), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopDaemons(dir: string): Promise<void> {
  for (const daemon of DAEMONS) {
    const pid = await pidOf(dir, daemon);
    if (pid === undefined || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + 20_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

/**
 * Stops the clusters of test processes that died without stopping them (a test killed on its
 * timeout): the daemons detach, so nothing else would. Each folder names its owner's PID.
 */
async function sweepOrphans(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith('mp-rgw-'))) {
    const dir = join(tmpdir(), name);
    const owner = Number((await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    await stopDaemons(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Waits until the monitor answers commands: `ceph-mon` returns once it has daemonised, before it
 * serves, and a command sent too early fails ("problem getting command descriptions from mon").
 */
async function waitForMon(dir: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await run(dir, 'ceph', ['--connect-timeout', '10', 'mon', 'stat']);
      return;
    } catch (err) {
      const pid = await pidOf(dir, 'mon.a');
      if (pid !== undefined && !alive(pid)) throw new Error(`ceph-mon exited: ${String(err)}`);
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Starts a one-node Ceph cluster and its RGW on free ports of 127.0.0.1 (~10–20 s). A start that
 * fails (a port taken between choosing and binding it, a daemon slow on a loaded machine) is
 * retried on new ports.
 */
export async function startRgw(): Promise<RgwServer> {
  await sweepOrphans();
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      return await startOnce();
    } catch (err) {
      if (String(err).includes(MISSING)) throw err;
      failures.push(`attempt ${attempt}: ${String(err)}`);
    }
  }
  throw new Error(`RGW did not start:\n${failures.join('\n')}`);
}

async function startOnce(): Promise<RgwServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-rgw-'));
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  try {
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const fsid = randomUUID();
    const conf = `[global]
fsid = ${fsid}
mon_host = v1:127.0.0.1:${monPort}
public_addr = 127.0.0.1
ms_bind_msgr2 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_objectstore = memstore
memstore_device_bytes = 2147483648
osd_crush_update_on_start = false
osd_class_update_on_start = false
run_dir = ${dir}/run
pid_file = ${dir}/run/$name.pid
admin_socket = ${dir}/run/$name.asok
log_file = ${dir}/log/$name.log
mon_data = ${dir}/mon/$name
osd_data = ${dir}/osd/$name
keyring = ${dir}/keyring
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
[client.admin]
admin_socket =
`;
    for (const sub of ['run', 'log', 'mon', 'osd/osd.0'])
      await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, 'ceph.conf'), conf);
    const monmap = join(dir, 'monmap');
    try {
      await execFile('monmaptool', [
        '--create',
        '--addv',
        'a',
        `v1:127.0.0.1:${monPort}`,
        '--fsid',
        fsid,
        monmap,
      ]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING);
      throw err;
    }
    await run(dir, 'ceph-mon', ['--mkfs', '-i', 'a', '--monmap', monmap]);
    await run(dir, 'ceph-mon', ['-i', 'a']);
    await waitForMon(dir, 120_000);
    const osdUuid = randomUUID();
    await run(dir, 'ceph', ['osd', 'create', osdUuid]);
    await run(dir, 'ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    await run(dir, 'ceph', ['osd', 'crush', 'add', 'osd.0', '1.0', 'host=local', 'root=default']);
    await run(dir, 'ceph-osd', ['-i', '0']);
    await run(dir, 'radosgw', ['-n', 'client.rgw.a']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitForHttp(endpoint, 120_000);
    const credentials = { accessKeyId: 'mp-test-key', secretAccessKey: 'mp-test-secret' };
    await run(dir, 'radosgw-admin', [
      '-n',
      'client.admin',
      'user',
      'create',
      '--uid=test',
      '--display-name=test',
      `--access-key=${credentials.accessKeyId}`,
      `--secret-key=${credentials.secretAccessKey}`,
    ]);
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return {
      endpoint,
      region: 'us-east-1',
      credentials,
      async createBucket() {
        const name = `mp-${randomUUID().slice(0, 18)}`;
        await client.send(new CreateBucketCommand({ Bucket: name }));
        return name;
      },
      async stop() {
        client.destroy();
        await stopDaemons(dir);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopDaemons(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

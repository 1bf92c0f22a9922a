/**
 * Real processes for the browser tests: a Parley server (migrated fresh SQLite database,
 * demo users, on a free port) and a private Redis that a test may stop and restart, both
 * started through project/serve.py, the launcher `make run`, the Python tests and the
 * benchmarks use.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const FRONTEND_DIR = resolve(import.meta.dirname, '..', '..');
export const REPO_DIR = resolve(FRONTEND_DIR, '..');
const PYTHON = join(REPO_DIR, '.venv', 'bin', 'python');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

export interface ParleyServer {
  baseURL: string;
  logPath: string;
  /** Where the server writes its emails (the file backend of the embedded default). */
  mailDir: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startParleyServer(extraEnv: Record<string, string> = {}): Promise<ParleyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `sqlite:///${join(dir, 'db.sqlite3')}`,
    SECRET_KEY: `parley-e2e-${Date.now()}`,
    MEDIA_ROOT: join(dir, 'media'),
    PARLEY_VAR_DIR: join(dir, 'var'),
    PARLEY_FRONTEND_DIST: join(FRONTEND_DIR, 'dist'),
    PARLEY_REALTIME_RETRY_SECONDS: '0.5',
    // Email when away after 3 s instead of 10 minutes (files under PARLEY_VAR_DIR/mail).
    PARLEY_NOTIFY_AFTER_MINUTES: '0.05',
    PARLEY_NOTIFY_POLL_SECONDS: '0.5',
    ...extraEnv,
  };
  const manage = (args: string[]) => run(PYTHON, ['manage.py', ...args], { cwd: REPO_DIR, env, timeout: 120_000 });
  await manage(['migrate', '--noinput']);
  await manage(['create_demo_users']);

  const port = await freePort();
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'a');
  // Started as `make run` starts it: project/serve.py holds the server's command line.
  const child = spawn(PYTHON, ['-m', 'project.serve', 'app', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO_DIR,
    env,
    stdio: ['ignore', logFd, logFd],
  });
  const baseURL = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logPath, 'utf8');
  try {
    await waitUntil(
      async () => (await fetch(`${baseURL}/graphql/`, postJson({ query: '{ __typename }' }))).ok,
      60_000,
      'Parley server',
      child,
    );
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n${log()}`, { cause: error });
  }
  return {
    baseURL,
    logPath,
    mailDir: join(dir, 'var', 'mail'),
    log,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class RedisProcess {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async create(): Promise<RedisProcess> {
    return new RedisProcess(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    // The private Redis the Python tests and the benchmarks start too (project/serve.py).
    this.child = spawn(PYTHON, ['-m', 'project.serve', 'redis', '--port', String(this.port)], {
      cwd: REPO_DIR,
      stdio: 'ignore',
    });
    const child = this.child;
    await waitUntil(() => this.ping(), 10_000, 'redis-server', child);
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = null;
  }

  private ping(): Promise<boolean> {
    return new Promise((resolvePing) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        resolvePing(data.toString().startsWith('+PONG'));
        socket.destroy();
      });
      socket.on('error', () => resolvePing(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolvePing(false);
      });
    });
  }
}

export function postJson(body: unknown, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

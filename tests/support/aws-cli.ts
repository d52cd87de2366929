/**
 * Runs the real AWS CLI (Debian's awscli 2.x at /usr/bin/aws) against the loopback STS emulator.
 *
 * Always `/usr/bin/aws`, never whatever `aws` is first on PATH (a pyenv shim of AWS CLI v1 may be). The CLI gets a
 * clean environment (no inherited `AWS_*`), its own HOME unless one is given, `--endpoint-url https://localhost:<port>`
 * (awscli 2.9 has no AWS_ENDPOINT_URL; the emulator serves `localhost` as `sts.amazonaws.com`) and `AWS_CA_BUNDLE` =
 * the emulator's own TLS certificate, read from the server and written to a temporary file for this process.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/** The AWS CLI the tests run: Debian's awscli package (`.ci/run` installs it). */
export const AWS_CLI = '/usr/bin/aws';
/** What a test says when the CLI is missing: it fails, never skips. */
export const AWS_CLI_MISSING = `${AWS_CLI} (AWS CLI v2, Debian's awscli package) is missing: .ci/run installs it (apt-get install awscli).`;

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 64 * 1024;

export interface RunAwsOptions {
  /** The emulators' HTTPS port. */
  port: number;
  /** HOME for the CLI (its `~/.aws/credentials` and `~/.aws/config`); default: a fresh empty directory. */
  home?: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`. */
  credentialsFile?: string;
  /** `AWS_CONFIG_FILE`. */
  configFile?: string;
  /** Appended as `--profile <name>`. */
  profile?: string;
  /** More environment variables (applied last; may set `AWS_*`). */
  env?: Record<string, string>;
  /** Kill the CLI after this long (default 30 s). */
  timeoutMs?: number;
}

export interface RunAwsResult {
  /** Exit code; null when the CLI was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
  timedOut: boolean;
}

/** Whether `/usr/bin/aws` exists and is executable. */
export function awsCliAvailable(): boolean {
  try {
    accessSync(AWS_CLI, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let scratch: string | undefined;
/** A private temporary directory for this process, removed at exit. */
function scratchDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(path.join(tmpdir(), 'aws-cli-run-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

const caBundles = new Map<number, Promise<string>>();

/** Reads the certificate the emulator on `port` presents for `localhost` and writes it as a PEM file (once per port). */
export function emulatorCaBundle(port: number): Promise<string> {
  let bundle = caBundles.get(port);
  if (!bundle) {
    bundle = new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
        const raw = socket.getPeerCertificate().raw;
        socket.destroy();
        if (!raw) return reject(new Error(`no certificate from 127.0.0.1:${port}`));
        const pem = new X509Certificate(raw).toString();
        const file = path.join(scratchDir(), `emulator-ca-${port}.pem`);
        writeFileSync(file, pem, { mode: 0o600 });
        resolve(file);
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error(`TLS handshake with 127.0.0.1:${port} timed out`)));
      socket.once('error', reject);
    });
    bundle.catch(() => caBundles.delete(port));
    caBundles.set(port, bundle);
  }
  return bundle;
}

/** Appends to a bounded buffer (the CLI's output is capped; a runaway process cannot fill memory). */
function collect(chunks: Buffer[], size: { n: number }, chunk: Buffer): void {
  if (size.n >= MAX_OUTPUT) return;
  const part = chunk.subarray(0, MAX_OUTPUT - size.n);
  chunks.push(part);
  size.n += part.length;
}

/** Runs `/usr/bin/aws <args> --endpoint-url https://localhost:<port> [--profile p]` and collects its result. */
export async function runAws(args: readonly string[], opts: RunAwsOptions): Promise<RunAwsResult> {
  if (!awsCliAvailable()) throw new Error(AWS_CLI_MISSING);
  const caBundle = await emulatorCaBundle(opts.port);
  let home = opts.home;
  if (!home) {
    home = mkdtempSync(path.join(scratchDir(), 'home-'));
    mkdirSync(path.join(home, '.aws'), { mode: 0o700 });
  }
  // A clean environment: nothing of the caller's AWS_* (or its PATH's pyenv shims) reaches the CLI.
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_CA_BUNDLE: caBundle,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    ...(opts.credentialsFile ? { AWS_SHARED_CREDENTIALS_FILE: opts.credentialsFile } : {}),
    ...(opts.configFile ? { AWS_CONFIG_FILE: opts.configFile } : {}),
    ...opts.env,
  };
  const argv = [...args, '--endpoint-url', `https://localhost:${opts.port}`, ...(opts.profile ? ['--profile', opts.profile] : [])];
  const t0 = performance.now();
  return new Promise<RunAwsResult>((resolve, reject) => {
    const child = spawn(AWS_CLI, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const outSize = { n: 0 };
    const errSize = { n: 0 };
    child.stdout.on('data', (c: Buffer) => collect(out, outSize, c));
    child.stderr.on('data', (c: Buffer) => collect(err, errSize, c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Math.round(performance.now() - t0),
        timedOut,
      });
    });
  });
}

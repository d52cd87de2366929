// @vitest-environment node
/**
 * The emulated federation endpoint is as strict as docs/console.md says AWS is: only live credentials STS issued,
 * SessionDuration within 900–43200, a token used once and within 15 minutes, a console Destination of the same
 * partition. Requests are built with the product's own lib/console.ts, so the two agree on the shapes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consoleHomeUrl, getSigninTokenUrl, loginUrl } from '@/lib/console';
import type { Partition } from '@/lib/partitions';
import { createSigninEmulator, SIGNIN_TOKEN_LIFETIME_MS } from '../emulators/aws-signin';
import type { IssuedCredentials } from '../emulators/sts';
import { world } from '../emulators/world';

let clock = Date.parse('2026-11-22T10:00:00Z');
const issued = new Map<string, IssuedCredentials>();
const signin = createSigninEmulator({ world, providers: undefined as never, findIssued: (id) => issued.get(id), now: () => clock });
const server = http.createServer((req, res) => signin.handle(req, res));
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clock = Date.parse('2026-11-22T10:00:00Z');
  issued.clear();
  signin.reset();
});

/** GET (or another method) an https URL of the emulator over plain loopback HTTP, keeping its Host. */
function get(url: string, method = 'GET'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: u.pathname + u.search, headers: { host: u.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ROLES: Record<Partition, string> = {
  aws: 'arn:aws:iam::111111111111:role/Admin',
  'aws-us-gov': 'arn:aws-us-gov:iam::333333333333:role/GovOps',
  'aws-cn': 'arn:aws-cn:iam::444444444444:role/ChinaOps',
};

function issue(partition: Partition, secondsLeft = 3600): IssuedCredentials {
  const roleArn = ROLES[partition];
  const [, , , , account] = roleArn.split(':');
  const name = roleArn.split('/').pop()!;
  const c: IssuedCredentials = {
    host: 'sts.amazonaws.com',
    roleArn,
    principalArn: `arn:${partition}:iam::${account}:saml-provider/EntraID`,
    durationSeconds: secondsLeft,
    requestedDurationSeconds: undefined,
    roleSessionName: 'alice@contoso.com',
    accessKeyId: `ASIA${String(issued.size).padStart(16, '0')}`,
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEDEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==',
    expiration: new Date(clock + secondsLeft * 1000).toISOString(),
    assumedRoleArn: `arn:${partition}:sts::${account}:assumed-role/${name}/alice@contoso.com`,
    issuedAt: new Date(clock),
  };
  issued.set(c.accessKeyId, c);
  return c;
}

async function tokenFor(partition: Partition, c: IssuedCredentials, duration?: number): Promise<string> {
  const r = await get(getSigninTokenUrl(partition, c, duration));
  expect(r.status, r.body).toBe(200);
  return (JSON.parse(r.body) as { SigninToken: string }).SigninToken;
}

describe('emulated federation endpoint', () => {
  it.each<Partition>(['aws', 'aws-us-gov', 'aws-cn'])('%s: token, then login → the console names the role', async (partition) => {
    const c = issue(partition);
    const token = await tokenFor(partition, c, 3600);
    expect(signin.federation.at(-1)).toMatchObject({ action: 'getSigninToken', ok: true, sessionDuration: 3600 });
    const destination = consoleHomeUrl(partition, partition === 'aws' ? 'eu-west-1' : undefined);
    const login = await get(loginUrl(partition, { issuer: 'chrome-extension://x/popup.html', destination, token }));
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe(destination);
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await new Promise<string>((resolve, reject) => {
      const u = new URL(destination);
      http
        .get({ host: '127.0.0.1', port, path: u.pathname + u.search, headers: { host: u.host, cookie } }, (res) => {
          let b = '';
          res.on('data', (x: Buffer) => (b += x.toString()));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(page).toContain(`<dd data-testid="role-name">${ROLES[partition].split('/').pop()}</dd>`);
    expect(JSON.stringify(signin.federation)).not.toContain(c.secretAccessKey);
  });

  it.each<[string, string | undefined]>([
    ['below 900', '899'],
    ['above 43200', '43201'],
    ['not a number', '1h'],
    ['a fraction', '1800.5'],
  ])('refuses SessionDuration %s', async (_name, duration) => {
    const c = issue('aws');
    const url = new URL(getSigninTokenUrl('aws', c));
    url.searchParams.set('SessionDuration', duration!);
    expect((await get(url.toString())).status).toBe(400);
  });

  it('refuses credentials it did not issue, expired ones, and another partition’s', async () => {
    const c = issue('aws', 60);
    expect((await get(getSigninTokenUrl('aws', { ...c, secretAccessKey: 'wrong' }))).status).toBe(400);
    expect((await get(getSigninTokenUrl('aws-cn', c))).status).toBe(400);
    clock += 61_000;
    expect((await get(getSigninTokenUrl('aws', c))).status).toBe(400);
  });

  it('a token works once, within 15 minutes, for a console of its own partition only', async () => {
    const c = issue('aws');
    const destination = consoleHomeUrl('aws');
    const login = (token: string, dest = destination) => get(loginUrl('aws', { issuer: 'x', destination: dest, token }));

    const once = await tokenFor('aws', c);
    expect((await login(once)).status).toBe(302);
    expect((await login(once)).status).toBe(400);

    const late = await tokenFor('aws', c);
    clock += SIGNIN_TOKEN_LIFETIME_MS + 1000;
    expect((await login(late)).status).toBe(400);
    clock -= SIGNIN_TOKEN_LIFETIME_MS + 1000;

    const wrongPlace = await tokenFor('aws', c);
    expect((await login(wrongPlace, consoleHomeUrl('aws-cn'))).status).toBe(400);
    expect((await login(wrongPlace)).status).toBe(400);

    expect((await login('made-up-token-0123456789')).status).toBe(400);
    expect((await get(getSigninTokenUrl('aws', c), 'POST')).status).toBe(400);
  });
});

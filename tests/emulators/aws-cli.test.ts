// @vitest-environment node
// The real AWS CLI (Debian's /usr/bin/aws, v2) against the STS emulator: what it sends is accepted, what it gets
// back it understands — the assumed-role ARN, ExpiredToken once the session is over, SignatureDoesNotMatch for a
// wrong secret. If /usr/bin/aws is missing these tests fail (`.ci/run` installs it); they never skip.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI_MISSING, awsCliAvailable, runAws, type RunAwsResult } from '../support/aws-cli';
import { startEmulators, type Emulators, type IssuedCredentials } from './index';
import { emulatorRequest } from './node-client';
import { APP_IDS } from './world';

const PROD_ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const PROD_PROVIDER = 'arn:aws:iam::111111111111:saml-provider/EntraID';
const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';

let emu: Emulators;
let dir: string;
beforeAll(async () => {
  emu = await startEmulators();
  dir = mkdtempSync(path.join(tmpdir(), 'aws-cli-test-'));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => emu.reset());

/** Credentials from the emulator's own AssumeRoleWithSAML, as the extension gets them. */
async function assumeAdmin(): Promise<IssuedCredentials> {
  const r = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
    method: 'POST',
    body: new URLSearchParams({
      Action: 'AssumeRoleWithSAML',
      Version: '2011-06-15',
      RoleArn: PROD_ADMIN,
      PrincipalArn: PROD_PROVIDER,
      SAMLAssertion: emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws),
    }),
  });
  expect(r.status, r.body).toBe(200);
  return emu.sts.issued.at(-1)!;
}

/** A credentials file with one profile `x`. */
function credentialsFile(c: Pick<IssuedCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): string {
  const file = path.join(dir, `credentials-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `[x]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`, {
    mode: 0o600,
  });
  return file;
}

const callerIdentity = (file: string): Promise<RunAwsResult> =>
  runAws(['sts', 'get-caller-identity', '--output', 'json'], { port: emu.port, credentialsFile: file, profile: 'x' });

describe('the real AWS CLI against the STS emulator', () => {
  beforeAll(() => {
    if (!awsCliAvailable()) throw new Error(AWS_CLI_MISSING);
  });

  it('get-caller-identity with emulator-issued credentials prints the assumed-role ARN (and how long the CLI takes)', async () => {
    const c = await assumeAdmin();
    const file = credentialsFile(c);
    const first = await callerIdentity(file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      UserId: c.assumedRoleId,
      Account: '111111111111',
      Arn: 'arn:aws:sts::111111111111:assumed-role/Admin/alice@contoso.com',
    });
    const second = await callerIdentity(file);
    expect(second.code).toBe(0);
    console.log(`aws sts get-caller-identity: ${first.ms} ms (first), ${second.ms} ms (second)`);
    expect(emu.sts.callerIdentityCount(c.accessKeyId)).toBe(2);
    const seen = emu.sts.requests.filter((r) => r.outcome === 'OK' && r.params.includes('Action')).at(-1)!;
    // What awscli 2 sends: a signed form POST to the global endpoint, scoped to us-east-1.
    expect(seen).toMatchObject({ host: 'localhost', method: 'POST', path: '/', hadQuery: false, params: ['Action', 'Version'] });
    expect(String(seen.headers.authorization)).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${c.accessKeyId}/\\d{8}/us-east-1/sts/aws4_request`));
    expect(String(seen.headers['user-agent'])).toMatch(/^aws-cli\/2\./);
  });

  it('after the session expires (lifetime knob at 2 s) the CLI fails with ExpiredToken', async () => {
    emu.sts.setLifetimeSeconds(2);
    const c = await assumeAdmin();
    expect(Date.parse(c.expiration) - c.issuedAt.getTime()).toBeLessThanOrEqual(2000);
    const file = credentialsFile(c);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(c.expiration) - Date.now()) + 200));
    const r = await callerIdentity(file);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired',
    );
    expect(emu.sts.callerIdentityLog.at(-1)).toMatchObject({ accessKeyId: c.accessKeyId, expired: true, outcome: 'ExpiredToken', status: 403 });
  });

  it('a wrong secret → SignatureDoesNotMatch; an unknown key → InvalidClientTokenId', async () => {
    const c = await assumeAdmin();
    const wrong = await callerIdentity(
      credentialsFile({ ...c, secretAccessKey: `${c.secretAccessKey.slice(0, -1)}${c.secretAccessKey.endsWith('A') ? 'B' : 'A'}` }),
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('(SignatureDoesNotMatch)');
    const unknown = await callerIdentity(credentialsFile({ ...c, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('(InvalidClientTokenId)');
    expect(emu.sts.callerIdentityLog.map((r) => [r.outcome, r.expired])).toEqual([
      ['SignatureDoesNotMatch', false],
      ['InvalidClientTokenId', false],
    ]);
  });

  it('assume-role (role chaining) as the CLI signs it', async () => {
    const c = await assumeAdmin();
    const r = await runAws(
      ['sts', 'assume-role', '--role-arn', AUDITOR, '--role-session-name', 'alice@contoso.com', '--external-id', 'contoso-audit-7', '--output', 'json'],
      { port: emu.port, credentialsFile: credentialsFile(c), profile: 'x' },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { AssumedRoleUser: { Arn: string }; Credentials: { AccessKeyId: string } };
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::777777777777:assumed-role/OrgAuditor/alice@contoso.com');
    expect(emu.sts.issued.at(-1)).toMatchObject({ accessKeyId: out.Credentials.AccessKeyId, chainedFrom: PROD_ADMIN });
  });
});

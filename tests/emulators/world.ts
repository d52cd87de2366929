/**
 * The fixed test world shared by the emulators, the e2e tests and the demo: one Entra tenant,
 * its users and AWS apps, the AWS accounts with their roles, SAML providers and account aliases.
 * Pure data plus lookups; nothing here depends on the run (keys and ports are made at run time).
 */
import { createHash } from 'node:crypto';

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';
export type RoleOrder = 'role-first' | 'provider-first';

export const TENANT_ID = '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
/** Every user's password. */
export const PASSWORD = 'Passw0rd!';
/** Issuer of every assertion the emulated Entra tenant signs (and that each IAM SAML provider expects). */
export const ENTRA_ISSUER = `https://sts.windows.net/${TENANT_ID}/`;
/** Name of the IAM SAML provider in every account. */
export const PROVIDER_NAME = 'EntraID';

export interface WorldApp {
  /** Stable GUID, used in the My Apps launcher URL. */
  appId: string;
  /** Tile / link text on My Apps. */
  name: string;
  /** SAML entity id (Identifier): what an AuthnRequest's Issuer must be; also the assertion's Audience unless `audience` says otherwise. */
  entityId: string;
  /** The assertion's Audience when it differs from `entityId` (Entra drops the `#N` of AWS gallery apps' identifiers). */
  audience?: string;
  /** Reply URL: where the IdP auto-POSTs the SAMLResponse; also the assertion's Recipient. */
  acsUrl: string;
  partition: Partition;
  /** RelayState sent with IdP-initiated sign-ins, as configured in the app ("Relay State"). */
  relayState?: string;
}

export interface WorldRole {
  roleArn: string;
  providerArn: string;
  accountId: string;
  partition: Partition;
  /** Last path segment of the role ARN, e.g. `Deployer` for `role/team/platform/Deployer`. */
  roleName: string;
  /** IAM MaxSessionDuration, seconds. */
  maxSessionDuration: number;
  /** IAM role unique id (`AROA…`), used in AssumedRoleId. */
  roleId: string;
}

export interface WorldProvider {
  arn: string;
  accountId: string;
  partition: Partition;
  name: string;
  /** Entity id in the provider's metadata document; the assertion's Issuer must match it. */
  issuer: string;
}

export interface WorldUser {
  upn: string;
  displayName: string;
  /** Entra object id (GUID). */
  objectId: string;
  password: string;
  /** `https://aws.amazon.com/SAML/Attributes/SessionDuration`; null = attribute not sent. */
  sessionDuration: number | null;
  /** Order of the two ARNs inside each Role AttributeValue this IdP emits for the user. */
  roleOrder: RoleOrder;
  /** appId → role ARNs assigned to the user in that app (as Entra app role assignments). */
  assignments: Readonly<Record<string, readonly string[]>>;
}

/** Who may assume a role by chaining: the target's trust policy names the source role (and an external ID). */
export interface ChainTrust {
  sourceRoleArn: string;
  targetRoleArn: string;
  /** sts:ExternalId the trust policy requires; absent: none. */
  externalId?: string;
}

export interface World {
  tenantId: string;
  tenantDomain: string;
  issuer: string;
  password: string;
  apps: readonly WorldApp[];
  users: readonly WorldUser[];
  roles: readonly WorldRole[];
  providers: readonly WorldProvider[];
  /** Account id → IAM account alias (only accounts that have one). */
  accountAliases: Readonly<Record<string, string>>;
  /** STS regions (aws partition) that are not activated for the accounts: RegionDisabledException there. */
  stsDisabledRegions: readonly string[];
  /** Roles no sign-in offers: reachable only by role chaining (sts:AssumeRole), per `chainTrust`. */
  chainRoles: readonly WorldRole[];
  chainTrust: readonly ChainTrust[];
}

export const APP_IDS = {
  aws: '3c5f1b0e-2a8d-4f6e-9b7c-1d2e3f4a5b6c',
  sandbox: '7a9b8c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  govcloud: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  china: 'e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b',
  team: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
} as const;

const apps: WorldApp[] = [
  {
    appId: APP_IDS.aws,
    name: 'AWS',
    entityId: 'https://signin.aws.amazon.com/saml',
    acsUrl: 'https://signin.aws.amazon.com/saml',
    partition: 'aws',
  },
  {
    appId: APP_IDS.sandbox,
    name: 'AWS Sandbox',
    entityId: 'https://signin.aws.amazon.com/saml#2',
    acsUrl: 'https://eu-west-1.signin.aws.amazon.com/saml',
    partition: 'aws',
    relayState: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
  },
  {
    appId: APP_IDS.govcloud,
    name: 'AWS GovCloud',
    entityId: 'urn:amazon:webservices:govcloud',
    acsUrl: 'https://signin.amazonaws-us-gov.com/saml',
    partition: 'aws-us-gov',
  },
  {
    appId: APP_IDS.china,
    name: 'AWS China',
    entityId: 'urn:amazon:webservices:cn',
    acsUrl: 'https://signin.amazonaws.cn/saml',
    partition: 'aws-cn',
  },
  // The "#N trap": identifier `…/saml#3`, but the assertion's Audience is the bare `…/saml`, as Entra does for the
  // AWS gallery app; an AuthnRequest must carry the `#3` (the bare value is app "AWS"'s identifier).
  {
    appId: APP_IDS.team,
    name: 'AWS Team',
    entityId: 'https://signin.aws.amazon.com/saml#3',
    audience: 'https://signin.aws.amazon.com/saml',
    acsUrl: 'https://signin.aws.amazon.com/saml',
    partition: 'aws',
  },
];

/** Deterministic IAM-style unique id: prefix + 17 chars of [A-Z0-9]. */
function uniqueId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; out.length < prefix.length + 17; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** `arn:<partition>:iam::<acct>:saml-provider/EntraID`. */
export function providerArnFor(partition: Partition, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:saml-provider/${PROVIDER_NAME}`;
}

function role(partition: Partition, accountId: string, path: string, maxSessionDuration = 43200): WorldRole {
  const roleArn = `arn:${partition}:iam::${accountId}:role/${path}`;
  return {
    roleArn,
    providerArn: providerArnFor(partition, accountId),
    accountId,
    partition,
    roleName: path.split('/').pop()!,
    maxSessionDuration,
    roleId: uniqueId('AROA', roleArn),
  };
}

const PROD = '111111111111';
const DEV = '222222222222';
const GOV = '333333333333';
const SANDBOX = '444444444444';
const CHINA = '666666666666';
const TEAM = '888888888888';
/** dave's accounts: 555500000000 … 555500000029. */
export const DAVE_ACCOUNTS: readonly string[] = Array.from({ length: 30 }, (_, i) => String(555500000000 + i));
const DAVE_ROLE_NAMES = ['Admin', 'ReadOnly', 'Developer', 'Billing', 'Auditor', 'NetworkAdmin', 'DataScientist', 'SecurityAudit', 'SupportUser', 'PowerUser'];

const alphaRoles = [
  role('aws', PROD, 'Admin'),
  role('aws', PROD, 'ReadOnly'),
  role('aws', PROD, 'team/platform/Deployer'),
  role('aws', DEV, 'Admin'),
  role('aws', DEV, 'Developer'),
  role('aws', DEV, 'LimitedSession', 3600),
];
const sandboxRoles = [role('aws', SANDBOX, 'SandboxAdmin'), role('aws', SANDBOX, 'SandboxReadOnly')];
const govRoles = [role('aws-us-gov', GOV, 'GovAdmin')];
const chinaRoles = [role('aws-cn', CHINA, 'ChinaDeveloper')];
const teamRoles = [role('aws', TEAM, 'TeamAdmin'), role('aws', TEAM, 'TeamDeveloper'), role('aws', TEAM, 'TeamReadOnly')];
const daveRoles = DAVE_ACCOUNTS.flatMap((acct) => DAVE_ROLE_NAMES.map((n) => role('aws', acct, n)));

const AUDIT = '777777777777';
/** Roles in other accounts that trust alice's roles (no SAML provider trusts them; the sign-in never offers them). */
const chainRoles = [role('aws', AUDIT, 'OrgAuditor', 3600), role('aws', AUDIT, 'ops/NetworkAdmin'), role('aws-us-gov', GOV, 'GovAuditor')];
const chainTrust: ChainTrust[] = [
  { sourceRoleArn: alphaRoles[0]!.roleArn, targetRoleArn: chainRoles[0]!.roleArn, externalId: 'contoso-audit-7' },
  { sourceRoleArn: alphaRoles[4]!.roleArn, targetRoleArn: chainRoles[1]!.roleArn },
  { sourceRoleArn: govRoles[0]!.roleArn, targetRoleArn: chainRoles[2]!.roleArn },
];

const roles: WorldRole[] = [...alphaRoles, ...sandboxRoles, ...govRoles, ...chinaRoles, ...daveRoles, ...teamRoles];

const providers: WorldProvider[] = [...new Set(roles.map((r) => r.providerArn))].map((arn) => {
  const r = roles.find((x) => x.providerArn === arn)!;
  return { arn, accountId: r.accountId, partition: r.partition, name: PROVIDER_NAME, issuer: ENTRA_ISSUER };
});

const aliases: Record<string, string> = {
  [PROD]: 'contoso-prod',
  [DEV]: 'contoso-dev',
  [GOV]: 'contoso-gov',
  [CHINA]: 'contoso-cn',
  [TEAM]: 'contoso-team',
  // 444444444444 (sandbox) deliberately has no alias: the role picker then shows the bare id.
};
// dave's first 20 accounts have aliases, the last 10 do not: both key forms on one picker page.
DAVE_ACCOUNTS.slice(0, 20).forEach((acct, i) => {
  aliases[acct] = `contoso-svc-${String(i).padStart(2, '0')}`;
});

/** Account id → IAM account alias (accounts without one are absent). */
export const accountAliases: Readonly<Record<string, string>> = aliases;

const arns = (rs: readonly WorldRole[]): string[] => rs.map((r) => r.roleArn);

const users: WorldUser[] = [
  {
    upn: 'alice@contoso.com',
    displayName: 'Alice Anderson',
    objectId: '0a1b2c3d-1111-4aaa-8bbb-000000000001',
    password: PASSWORD,
    sessionDuration: 43200,
    roleOrder: 'role-first',
    assignments: {
      [APP_IDS.aws]: arns(alphaRoles),
      [APP_IDS.govcloud]: arns(govRoles),
      [APP_IDS.sandbox]: arns(sandboxRoles),
    },
  },
  {
    upn: 'bob@contoso.com',
    displayName: 'Bob Brown',
    objectId: '0a1b2c3d-2222-4aaa-8bbb-000000000002',
    password: PASSWORD,
    sessionDuration: null,
    roleOrder: 'provider-first',
    assignments: { [APP_IDS.aws]: [`arn:aws:iam::${PROD}:role/ReadOnly`] },
  },
  {
    upn: 'dave@contoso.com',
    displayName: 'Dave Davis',
    objectId: '0a1b2c3d-4444-4aaa-8bbb-000000000004',
    password: PASSWORD,
    sessionDuration: 28800,
    roleOrder: 'role-first',
    assignments: { [APP_IDS.aws]: arns(daveRoles) },
  },
  {
    upn: 'erin@contoso.com',
    displayName: 'Erin Evans',
    objectId: '0a1b2c3d-5555-4aaa-8bbb-000000000005',
    password: PASSWORD,
    sessionDuration: null,
    roleOrder: 'role-first',
    assignments: { [APP_IDS.china]: arns(chinaRoles) },
  },
  {
    upn: 'frank@contoso.com',
    displayName: 'Frank Fischer',
    objectId: '0a1b2c3d-6666-4aaa-8bbb-000000000006',
    password: PASSWORD,
    sessionDuration: 3600,
    roleOrder: 'role-first',
    assignments: { [APP_IDS.team]: arns(teamRoles) },
  },
];

export const world: World = {
  tenantId: TENANT_ID,
  tenantDomain: 'contoso.com',
  issuer: ENTRA_ISSUER,
  password: PASSWORD,
  apps,
  users,
  roles,
  providers,
  accountAliases,
  stsDisabledRegions: ['ap-east-1', 'me-south-1'],
  chainRoles,
  chainTrust,
};

/** The user with this UPN (case-insensitive), or undefined. */
export function findUser(upn: string): WorldUser | undefined {
  const u = upn.trim().toLowerCase();
  return world.users.find((x) => x.upn === u);
}

/** The app with this appId, or undefined. */
export function findApp(appId: string): WorldApp | undefined {
  const id = appId.toLowerCase();
  return world.apps.find((a) => a.appId === id);
}

/** The app with this SAML entity id (exact match), or undefined. */
export function findAppByEntityId(entityId: string): WorldApp | undefined {
  return world.apps.find((a) => a.entityId === entityId);
}

/** The role with this ARN, or undefined. */
export function findRole(roleArn: string): WorldRole | undefined {
  return world.roles.find((r) => r.roleArn === roleArn);
}

/** The SAML provider with this ARN, or undefined. */
export function findProvider(providerArn: string): WorldProvider | undefined {
  return world.providers.find((p) => p.arn === providerArn);
}

/** Roles the user has in the app, in assignment order ([] when not assigned). */
export function rolesFor(user: string | WorldUser, appId: string): WorldRole[] {
  const u = typeof user === 'string' ? findUser(user) : user;
  if (!u) return [];
  return (u.assignments[appId.toLowerCase()] ?? []).map((arn) => {
    const r = findRole(arn);
    if (!r) throw new Error(`world: unknown role ${arn}`);
    return r;
  });
}

/** Apps the user is assigned to (the tiles on My Apps), in world order. */
export function appsFor(user: string | WorldUser): WorldApp[] {
  const u = typeof user === 'string' ? findUser(user) : user;
  if (!u) return [];
  return world.apps.filter((a) => (u.assignments[a.appId]?.length ?? 0) > 0);
}

/** `"alias (id)"` when the account has an alias, else `"id"` — the AWS role picker's account label. */
export function accountLabel(accountId: string): string {
  const alias = world.accountAliases[accountId];
  return alias ? `${alias} (${accountId})` : accountId;
}

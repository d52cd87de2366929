import { describe, expect, it } from 'vitest';
import { parseRoleValue } from '@/lib/arn';
import { PARTITIONS, type Partition } from '@/lib/partitions';

const ACCOUNT: Record<Partition, string> = { aws: '111111111111', 'aws-us-gov': '333333333333', 'aws-cn': '666666666666' };
const roleArn = (p: Partition, name: string, account = ACCOUNT[p]) => `arn:${p}:iam::${account}:role/${name}`;
const providerArn = (p: Partition, name = 'GoogleApps', account = ACCOUNT[p]) => `arn:${p}:iam::${account}:saml-provider/${name}`;

const ROLE_NAMES = [
  { name: 'admin', path: '/', roleName: 'admin' },
  { name: 'team/platform/Deployer', path: '/team/platform/', roleName: 'Deployer' },
  { name: 'service-role/ops/Read.Only+Audit@2026', path: '/service-role/ops/', roleName: 'Read.Only+Audit@2026' },
];
const ORDERS = ['role-first', 'provider-first'] as const;
/** How the two ARNs are joined: plain, padded, and with a trailing comma (plain or padded). */
const LAYOUTS = [
  { layout: 'plain', join: (a: string, b: string) => `${a},${b}` },
  { layout: 'padded', join: (a: string, b: string) => `\n  ${a} ,\t${b}\r\n` },
  { layout: 'trailing comma', join: (a: string, b: string) => `${a},${b},` },
  { layout: 'trailing comma, padded', join: (a: string, b: string) => ` ${a}, ${b} ,\n ` },
];

describe('parseRoleValue: valid pairs', () => {
  const cases = PARTITIONS.flatMap((partition) =>
    ROLE_NAMES.flatMap((role) => ORDERS.flatMap((order) => LAYOUTS.map(({ layout, join }) => ({ partition, ...role, order, layout, join })))),
  );

  it.each(cases)('$partition, $order, $layout: role/$name', ({ partition, name, path, roleName, order, join }) => {
    const role = roleArn(partition, name);
    const provider = providerArn(partition);
    const value = order === 'role-first' ? join(role, provider) : join(provider, role);
    expect(parseRoleValue(value)).toEqual({ roleArn: role, providerArn: provider, partition, accountId: ACCOUNT[partition], roleName, rolePath: path });
  });
});

describe('parseRoleValue: malformed values stay refused', () => {
  const cases = PARTITIONS.flatMap((p) => {
    const role = roleArn(p, 'admin');
    const other = roleArn(p, 'team/Other');
    const provider = providerArn(p);
    const otherProvider = providerArn(p, 'Okta');
    return [
      [p, 'three ARNs', `${role},${provider},${other}`],
      [p, 'three ARNs, trailing comma', `${role},${provider},${other},`],
      [p, 'two roles', `${role},${other}`],
      [p, 'two roles, trailing comma', `${role},${other},`],
      [p, 'two providers', `${provider},${otherProvider}`],
      [p, 'two providers, trailing comma', `${provider},${otherProvider},`],
      [p, 'empty part in the middle', `${role},,${provider}`],
      [p, 'two trailing commas', `${role},${provider},,`],
      [p, 'leading comma', `,${role},${provider}`],
      [p, 'role only, trailing comma', `${role},`],
      [p, 'provider only, trailing comma', `${provider},`],
      [p, 'only commas', ',,'],
      [p, 'provider in another account', `${role},${providerArn(p, 'GoogleApps', '999999999999')},`],
      [p, 'a user, not a role', `${role.replace(':role/', ':user/')},${provider},`],
    ] as const;
  });
  const crossPartition = [
    ['aws', 'aws-cn'],
    ['aws-us-gov', 'aws'],
    ['aws-cn', 'aws-us-gov'],
  ] as const;

  it.each(cases)('%s: %s', (_partition, _name, value) => {
    expect(parseRoleValue(value)).toBeNull();
  });

  it.each(crossPartition)('a %s role with an %s provider, trailing comma', (rolePartition, providerPartition) => {
    expect(parseRoleValue(`${roleArn(rolePartition, 'admin', '111111111111')},${providerArn(providerPartition, 'GoogleApps', '111111111111')},`)).toBeNull();
  });
});

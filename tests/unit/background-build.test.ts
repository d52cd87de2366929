// How the background is built smaller: it leaves out the AWS SDK's event-stream support, which is safe because the
// SDK loads it only for operations with an event-stream member and STS has none (the build's stub says so if it is
// ever reached); and it and the popup are minified with terser, the options page with esbuild.
import * as sts from '@aws-sdk/client-sts';
import { NormalizedSchema } from '@smithy/core/schema';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StaticOperationSchema } from '@smithy/types';
import type { InlineConfig, Plugin } from 'vite';
import type { Entrypoint } from 'wxt';
import { afterAll, describe, expect, it } from 'vitest';
import config, { NO_EVENT_STREAMS_ID, sdkWithoutEventStreams } from '../../wxt.config';

/** Every operation schema the STS client ships (`AssumeRole$`, `AssumeRoleWithSAML$`, …), by name. */
const operations = Object.entries(sts as Record<string, unknown>).filter(
  (entry): entry is [string, StaticOperationSchema] => entry[0].endsWith('$') && Array.isArray(entry[1]) && entry[1][0] === 9,
);

describe('STS needs no event streams', () => {
  it('the client has the operations the extension calls', () => {
    expect(operations.map(([name]) => name)).toEqual(expect.arrayContaining(['AssumeRole$', 'AssumeRoleWithSAML$']));
  });

  it.each(operations)('%s: neither input nor output has an event-stream member', (_name, [, , , , input, output]) => {
    for (const shape of [NormalizedSchema.of(input), NormalizedSchema.of(output)]) {
      expect(shape.isStructSchema()).toBe(true); // what getEventStreamMember looks through
      expect(shape.getEventStreamMember()).toBe('');
    }
  });
});

describe('sdkWithoutEventStreams', () => {
  const plugin = sdkWithoutEventStreams();
  const resolveDynamic = (specifier: string) =>
    (plugin.resolveDynamicImport as (this: unknown, s: string, importer: string) => string | null).call({}, specifier, 'x.js');
  const load = (id: string) => (plugin.load as (this: unknown, id: string) => string | null).call({}, id);
  const dir = mkdtempSync(join(tmpdir(), 'sdk-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces only the dynamic import of the event-stream module', () => {
    expect(resolveDynamic('@smithy/core/event-streams')).toBe(NO_EVENT_STREAMS_ID);
    for (const other of ['@smithy/core/protocols', '@smithy/core/event-streams/x', './event-streams', 'fast-xml-parser']) {
      expect(resolveDynamic(other)).toBeNull();
    }
    expect((plugin as Plugin & { resolveId?: unknown }).resolveId).toBeUndefined();
    expect(load('@smithy/core/event-streams')).toBeNull();
  });

  it('the stub loads, and using it throws a plain reason', async () => {
    const file = join(dir, 'stub.mjs');
    writeFileSync(file, load(NO_EVENT_STREAMS_ID)!);
    const stub = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
      EventStreamSerde: new (options: object) => unknown;
      eventStreamSerdeProvider: (context: object) => unknown;
    };
    expect(() => new stub.EventStreamSerde({})).toThrow(/event streams are left out of this build: STS has no event-stream operation/);
    expect(() => stub.eventStreamSerdeProvider({})).toThrow(/STS has no event-stream operation/);
  });
});

describe('the minifier per build step', () => {
  const extend = (config.hooks as Record<string, unknown>)['vite:build:extendConfig'] as (entrypoints: readonly Entrypoint[], viteConfig: InlineConfig) => void;
  const group = (...types: string[]) => types.map((type) => ({ type, name: type }) as Entrypoint);

  it.each([[['background']], [['background', 'content-script']], [['popup']]])('%j: terser', (types) => {
    const viteConfig: InlineConfig = { build: { sourcemap: false } };
    extend(group(...types), viteConfig);
    expect(viteConfig.build).toEqual({ sourcemap: false, minify: 'terser' });
  });

  it.each([[['options']], [['content-script']]])('%j: left to the default', (types) => {
    const viteConfig: InlineConfig = { build: { sourcemap: false } };
    extend(group(...types), viteConfig);
    expect(viteConfig.build).toEqual({ sourcemap: false });
  });

  it('terser is installed (Vite loads it by name)', () => {
    expect(() => createRequire(import.meta.url).resolve('terser')).not.toThrow();
  });
});

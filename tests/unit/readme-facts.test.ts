import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const wxtConfig = readFileSync('wxt.config.ts', 'utf8');

describe('README matches the build', () => {
  it('names the Firefox version the manifest requires everywhere it names one', () => {
    const floor = /strict_min_version: '(\d+)\.0'/.exec(wxtConfig)?.[1];
    expect(floor).toBeDefined();
    const named = [...readme.matchAll(/Firefox \((?:desktop )?(\d+)\+/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const version of named) expect(version).toBe(floor);
  });
});

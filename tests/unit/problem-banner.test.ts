import { describe, expect, it } from 'vitest';
import { problemHeading } from '@/components/EmptyState';

describe('problemHeading', () => {
  it.each([
    ['untrusted-page', 'A sign-in to AWS from another page was not used'],
    ['relayed', 'A sign-in to AWS from another page was not used'],
    ['other-page', 'A sign-in to AWS from another page was not used'],
    ['not-xml', 'Your last sign-in to AWS could not be used'],
    ['encrypted-assertion', 'Your last sign-in to AWS could not be used'],
  ] as const)('%s', (code, heading) => {
    expect(problemHeading({ error: { code, message: 'x' } })).toBe(heading);
  });
});

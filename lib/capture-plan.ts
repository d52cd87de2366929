/**
 * Which posts become captures: the decision the background takes for each SAMLResponse POST to AWS. Pure. Kept apart
 * from lib/capture.ts (what a capture is and how it is named), which the popup imports: this module parses the
 * assertion, and the XML parser has no place in the popup's bundle.
 */
import { captureIdFor, signInHeading, type Capture, type CaptureProblem, type CaptureSource } from './capture';
import { identifyIdp, idpWords } from './idp';
import type { AcsEndpoint } from './partitions';
import { parseSamlResponse } from './saml-response';
import { tenantOf, type OriginVerdict } from './sign-in-origin';

/** One POST of a SAMLResponse to an AWS sign-in URL, with the browser's word on which page sent it. */
export interface CapturePost {
  acs: AcsEndpoint & { url: string };
  samlResponse: string;
  /** `assertionDigest(samlResponse)`. */
  digest: string;
  verdict: OriginVerdict;
  now: number;
}

export type CapturePlan =
  { action: 'ignore'; why: 'not-top-level' | 'repeat' } | { action: 'problem'; problem: CaptureProblem } | { action: 'capture'; capture: Capture };

/**
 * Decides what a post becomes. A repeat of a sign-in already seen (the role picker posting it again) changes
 * nothing; a post from a page that is not an IdP's, or only passed on by AWS's page, is never used and is reported;
 * a sign-in never replaces one for the same AWS app that came from another page.
 */
export function planCapture(post: CapturePost, state: { captures: readonly Capture[]; problem?: CaptureProblem }): CapturePlan {
  const { verdict, digest, now, acs } = post;
  // Hidden frames are never a sign-in a user meant; nothing to report either.
  if (!verdict.ok && verdict.reason === 'not-top-level') return { action: 'ignore', why: 'not-top-level' };
  const seen = state.captures.some((c) => c.assertionDigest === digest || c.samlResponse === post.samlResponse) || state.problem?.assertionDigest === digest;
  if (seen) return { action: 'ignore', why: 'repeat' };
  const problem = (error: CaptureProblem['error'], page?: string): CapturePlan => ({
    action: 'problem',
    problem: { capturedAt: now, acsHost: acs.host, error, assertionDigest: digest, ...(page ? { page } : {}) },
  });
  const again = idpWords('other').signInAgain;
  if (!verdict.ok) return problem({ code: 'untrusted-page', message: untrustedMessage(verdict.reason, verdict.host, again) }, verdict.host);
  if (verdict.role === 'aws') {
    return problem(
      {
        code: 'relayed',
        message: `AWS’s sign-in page passed on a sign-in the extension did not see arrive from your identity provider, so it was not used. ${again}.`,
      },
      verdict.host,
    );
  }
  const parsed = parseSamlResponse(post.samlResponse, now);
  if (!parsed.ok) return problem(parsed.error, verdict.host);
  const { summary } = parsed;
  const id = captureIdFor(summary);
  const existing = state.captures.find((c) => c.id === id);
  if (existing && existing.source?.origin !== verdict.origin) {
    const title = signInHeading({ summary, acs }).app;
    return problem(
      {
        code: 'other-page',
        message:
          `A new sign-in to ${title} came from ${verdict.host}, but the one you have came from ${existing.source?.host ?? 'another page'}. ` +
          'It was not used, and yours stays. If you meant to switch, press Forget on the sign-in you have, then sign in again.',
      },
      verdict.host,
    );
  }
  const idp = identifyIdp(summary.issuer).kind;
  const tenant = tenantOf(summary.issuer, summary.tenantId, idp);
  const source: CaptureSource = { origin: verdict.origin, host: verdict.host, trust: verdict.trust, idp, ...(tenant ? { tenant } : {}) };
  return { action: 'capture', capture: { id, capturedAt: now, acs, summary, samlResponse: post.samlResponse, assertionDigest: digest, source } };
}

function untrustedMessage(reason: Exclude<OriginVerdict, { ok: true }>['reason'], host: string | undefined, again: string): string {
  if (reason === 'untrusted' && host) {
    return (
      `A page on ${host} sent a sign-in to AWS. It was not used: the extension takes sign-ins only from identity providers’ own pages. ` +
      `If ${host} is your organisation’s sign-in page, add it under Options → Trusted sign-in pages, then sign in again.`
    );
  }
  const page = reason === 'not-https' && host ? `an unencrypted page (http://${host})` : 'a page the browser could not name';
  return `A sign-in to AWS was sent from ${page}. It was not used. ${again}.`;
}

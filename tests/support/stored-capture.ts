/**
 * A sign-in as the background stores it in storage.session (lib/capture.ts), built from a real assertion of the
 * given IdP's shape and parsed by the product's parser, for unit tests of background services.
 */
import { captureIdFor, type Capture } from '../../lib/capture';
import { parseAcsUrl } from '../../lib/partitions';
import { parseSamlResponse } from '../../lib/saml-response';
import { buildEncodedSamlResponse, type IdpShape } from './saml-builder';

export const ISSUERS: Record<IdpShape, string> = {
  entra: 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/',
  okta: 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9',
  adfs: 'https://fs.contoso.com/adfs/services/trust',
  google: 'https://accounts.google.com/o/saml2?idpid=C01a2b3c4',
};

const ACS_URL = 'https://signin.aws.amazon.com/saml';

/** The capture of a sign-in issued at `issued` by an IdP of `shape`, with `roles`, posted to the global ACS URL. */
export function storedCapture(shape: IdpShape, roles: { roleArn: string; providerArn: string }[], issued = new Date()): Capture {
  const samlResponse = buildEncodedSamlResponse({ shape, issuer: ISSUERS[shape], roles, issueInstant: issued });
  const parsed = parseSamlResponse(samlResponse, issued.getTime());
  if (!parsed.ok) throw new Error(parsed.error.message);
  return {
    id: captureIdFor(parsed.summary),
    capturedAt: issued.getTime(),
    acs: { ...parseAcsUrl(ACS_URL)!, url: ACS_URL },
    summary: parsed.summary,
    samlResponse,
  };
}

/**
 * Browser (background): turns the browser's own POST to the AWS sign-in page into a Capture in storage.session.
 */
import { captureIdFor, formFieldsFromRequestBody, type Capture, type RequestBodyLike } from '../capture';
import { parseAcsUrl } from '../partitions';
import { parseSamlResponse } from '../saml-response';
import { clearProblem, getCapture, saveCapture, saveProblem } from '../session-store';
import { refreshBadge } from './badge';
import { scheduleExpiry } from './expiry';

/** Handles one ACS request. The role picker's second POST (same SAMLResponse) is recognised and ignored. */
export async function captureSignIn(details: { method: string; url: string; requestBody?: RequestBodyLike | null }): Promise<void> {
  if (details.method !== 'POST') return;
  const acs = parseAcsUrl(details.url);
  if (!acs) return;
  const samlResponse = formFieldsFromRequestBody(details.requestBody).get('SAMLResponse');
  if (!samlResponse) return;

  const now = Date.now();
  const parsed = parseSamlResponse(samlResponse, now);
  if (!parsed.ok) {
    await saveProblem({ capturedAt: now, acsHost: acs.host, error: parsed.error });
    await refreshBadge();
    return;
  }
  const id = captureIdFor(parsed.summary);
  const existing = await getCapture(id);
  if (existing?.samlResponse === samlResponse) return;
  const capture: Capture = { id, capturedAt: now, acs: { ...acs, url: details.url }, summary: parsed.summary, samlResponse };
  await saveCapture(capture);
  await clearProblem();
  // scheduleExpiry refreshes the badge too.
  await scheduleExpiry();
}

/**
 * What both browser suites know about the steps before the popup: where My Apps is, Entra's sign-in form, and how
 * to tell the browser's SAML POST to AWS (by the product's own ACS rule) and the AWS page that answers it.
 */
import { parseAcsUrl } from '../../lib/partitions';
import { signinHostInfo } from '../emulators/aws-signin';

export const MY_APPS_URL = 'https://myapplications.microsoft.com/';
/** The fields of the emulated Entra sign-in form. */
export const ENTRA_FORM = { user: 'input[name="loginfmt"]', password: 'input[name="passwd"]' } as const;

/** Whether a request is the SAML POST to an AWS sign-in (ACS) endpoint, any partition, region or `.mcas.ms` host. */
export function isAcsPost(method: string, url: string): boolean {
  return method === 'POST' && parseAcsUrl(url) !== null;
}

/** Whether `url` is an AWS sign-in or console page: AWS's role picker, or the console a single-role user lands on. */
export function isAwsPage(url: string): boolean {
  return URL.canParse(url) && signinHostInfo(new URL(url).hostname) !== null;
}

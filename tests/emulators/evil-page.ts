/**
 * An attacker's web page on an origin of its own (`evil.example`), for the login-CSRF tests: it auto-POSTs a valid,
 * signed SAMLResponse that is not the visitor's to the AWS sign-in URL, in a hidden frame or in the top window.
 *
 * Routes (GET):
 * - `/frame?as=<kind>`  a harmless-looking page whose hidden iframe receives the POST (a sub-frame navigation)
 * - `/top?as=<kind>`    the auto-post form in the top window (as an IdP's page would do it)
 * `as=same-issuer` (default): dave's roles (another person's accounts) under the visitor's tenant issuer and the same
 * audience — an assertion the attacker's own AWS account accepts, and the one that would replace the visitor's
 * sign-in. `as=other-tenant`: the same roles under another tenant's issuer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { autoPostForm, type IdpEmulator } from './idp';
import { escapeHtml, requestHost } from './node-client';
import { APP_IDS, findApp, rolesFor } from './world';

export const EVIL_HOSTS = ['evil.example'] as const;

/** Whose roles the attacker's assertion carries (their accounts are not the visitor's). */
export const ATTACKER_UPN = 'dave@contoso.com';
/** The tenant of the `other-tenant` assertion. */
export const OTHER_TENANT_ID = '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f';

export type EvilAssertion = 'same-issuer' | 'other-tenant';

export interface EvilPage {
  /** Every page served, in order. */
  readonly served: { path: string; as: EvilAssertion; at: Date }[];
  reset(): void;
  handles(host: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Creates the attacker's page; its assertions are signed by the run's IdP key, so AWS and STS accept them. */
export function createEvilPage(opts: { idp: IdpEmulator }): EvilPage {
  const served: EvilPage['served'] = [];
  const app = findApp(APP_IDS.aws)!;

  function assertion(as: EvilAssertion): string {
    // Two of the attacker's roles keep AWS's picker page small.
    const roles = rolesFor(ATTACKER_UPN, APP_IDS.aws)
      .slice(0, 2)
      .map(({ roleArn, providerArn }) => ({ roleArn, providerArn }));
    const tenant = as === 'other-tenant' ? { tenantId: OTHER_TENANT_ID, issuer: `https://sts.windows.net/${OTHER_TENANT_ID}/` } : {};
    return opts.idp.samlResponseFor(ATTACKER_UPN, APP_IDS.aws, { roles, ...tenant });
  }

  function send(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
    res.end(html);
  }

  return {
    served,
    reset(): void {
      served.length = 0;
    },
    handles(host: string): boolean {
      return (EVIL_HOSTS as readonly string[]).includes(host);
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      req.resume();
      const url = new URL(req.url ?? '/', `https://${requestHost(req)}`);
      const as: EvilAssertion = url.searchParams.get('as') === 'other-tenant' ? 'other-tenant' : 'same-issuer';
      if (req.method !== 'GET' || (url.pathname !== '/frame' && url.pathname !== '/top')) return send(res, 404, '<h1>Not found</h1>');
      served.push({ path: url.pathname, as, at: new Date() });
      const samlResponse = assertion(as);
      if (url.pathname === '/top') return send(res, 200, autoPostForm(app.acsUrl, samlResponse, null));
      send(
        res,
        200,
        `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cute cats</title></head><body><h1>Cute cats</h1>` +
          `<iframe name="sink" title="sink" style="display:none"></iframe>` +
          `<form method="POST" target="sink" action="${escapeHtml(app.acsUrl)}">` +
          `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}"></form>` +
          `<script>document.forms[0].submit();</script></body></html>`,
      );
    },
  };
}

/**
 * Content script on the AWS sign-in page (the role picker the browser loads after the SAML POST): learns the
 * accounts' aliases so the popup and profile names can use them. It reads only the `<meta name="data">` content
 * and the account headings — never the form, which carries the SAMLResponse — and only stores names. Whatever AWS
 * changes on this page, the worst outcome is that no alias is learnt (the parser never throws).
 */
import { parseSigninPageAliases } from '@/lib/account-aliases';
import { learnAliases } from '@/lib/browser/account-names-store';
import { acsMatchPatterns } from '@/lib/partitions';

export default defineContentScript({
  // The ACS URLs of every partition, from the one table (already covered by the host permissions).
  matches: acsMatchPatterns(),
  runAt: 'document_idle',
  main() {
    const page = parseSigninPageAliases({
      metaData: document.querySelector('meta[name="data"]')?.getAttribute('content'),
      accountHeadings: Array.from(document.querySelectorAll('.saml-account-name'), (e) => e.textContent),
    });
    // Nothing is logged: the page's content stays on the page, and a failed write only means no names this time.
    learnAliases(page).catch(() => undefined);
  },
});

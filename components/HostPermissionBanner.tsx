/**
 * Shown when the browser withholds the extension's host permissions (Firefox lets the user do that for any
 * Manifest V3 add-on; Chrome's "site access" setting does the same). Says what stops working and offers one
 * button that asks for them again. Renders nothing while checking and while everything is granted.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import {
  checkHostAccess,
  hasAllHostAccess,
  missingAccessText,
  requestHostAccess,
  watchHostAccess,
  type HostAccess,
  type PermissionsApiLike,
} from '../lib/host-permissions';
import { errorText } from '../lib/error-text';

export interface HostPermissionBannerProps {
  /** Defaults to the browser's own `permissions` API. */
  permissions?: PermissionsApiLike;
}

export default function HostPermissionBanner({ permissions = browser.permissions }: HostPermissionBannerProps) {
  const [access, setAccess] = useState<HostAccess>();
  const [declined, setDeclined] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    let live = true;
    const refresh = () => {
      void checkHostAccess(permissions).then((a) => {
        if (live) setAccess(a);
      });
    };
    refresh();
    const stop = watchHostAccess(permissions, refresh);
    return () => {
      live = false;
      stop();
    };
  }, [permissions]);

  if (!access || hasAllHostAccess(access)) return null;

  const grant = () => {
    setDeclined(false);
    setFailure(undefined);
    // Called synchronously in the click handler: Firefox only shows its prompt during a user action.
    requestHostAccess(permissions).then(
      (granted) => {
        setDeclined(!granted);
        // onAdded normally updates the banner; checking here too covers a browser that does not fire it.
        return checkHostAccess(permissions).then(setAccess);
      },
      (e: unknown) => setFailure(errorText(e)),
    );
  };

  return (
    <section class="banner error problem" role="alert" data-testid="host-permission-banner" aria-labelledby="host-permission-title">
      <h2 id="host-permission-title">AWS SAML Bridge needs access to the AWS sites</h2>
      <p>{missingAccessText(access)}</p>
      <p>It only reads the SAML sign-in your browser sends to AWS and calls AWS STS with it; no other site is touched.</p>
      {declined && <p data-testid="host-permission-declined">Access was not granted. You can also allow it in Add-ons → AWS SAML Bridge → Permissions.</p>}
      {failure && <p>The browser could not ask for access ({failure}). Close this popup and try again.</p>}
      <p>
        <button type="button" class="btn btn-primary" data-testid="grant-host-permissions" onClick={grant}>
          Grant access
        </button>
      </p>
    </section>
  );
}

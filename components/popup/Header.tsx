/** The popup's heading and its top buttons; focus returns to the heading when the section that had focus goes away. */
import type { ComponentChildren, Ref } from 'preact';
import { browser } from 'wxt/browser';

export function Header({ headingRef, children }: { headingRef?: Ref<HTMLHeadingElement>; children?: ComponentChildren }) {
  return (
    <header class="top">
      <h1 ref={headingRef} tabIndex={-1}>
        AWS SAML Bridge
      </h1>
      <div class="top-actions">
        {children}
        <button
          type="button"
          class="btn btn-small"
          data-testid="open-options"
          title="Account names, profile names, durations, auto-save and reminders"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          Options
        </button>
      </div>
    </header>
  );
}

/** "Forget everything", in the header. */
export function ForgetAllButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" class="btn btn-small" data-testid="forget-all" onClick={onClick}>
      Forget everything
    </button>
  );
}

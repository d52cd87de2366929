/**
 * Error boundaries: a part of the popup that throws while rendering (data of an unexpected shape that got past
 * the checks in view-model.ts) is replaced by a fixed fallback instead of blanking the whole popup. The error
 * itself is never shown or logged: it may quote stored data, and stored data holds credentials.
 */
import { Component, type ComponentChildren } from 'preact';

interface ErrorBoundaryProps {
  /** What to show instead; `retry` renders the children again (e.g. after the bad data was forgotten). */
  fallback: (retry: () => void) => ComponentChildren;
  /** A new value renders the children again: the data they failed on was replaced. */
  resetKey?: unknown;
  children?: ComponentChildren;
}

/** Renders `fallback` instead of its children once they threw while rendering. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static override getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidUpdate(previous: ErrorBoundaryProps): void {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  private readonly retry = () => this.setState({ failed: false });

  override render() {
    return this.state.failed ? this.props.fallback(this.retry) : this.props.children;
  }
}

/** The one line shown for an entry that cannot be shown, with Forget for its sign-in when that is known. */
export function BrokenEntryLine({ onForget }: { onForget?: () => void }) {
  return (
    <span class="broken-entry" data-testid="broken-entry">
      <span>This entry could not be shown.</span>
      {onForget && (
        <button type="button" class="btn btn-link" data-testid="forget-broken" aria-label="Forget the sign-in this entry belongs to" onClick={onForget}>
          Forget
        </button>
      )}
    </span>
  );
}

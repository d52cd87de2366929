/** What the popup shows before any sign-in was captured, and the last sign-in that could not be used. */
import type { CaptureProblem, SignInRefusal } from '../lib/capture';

const REFUSALS: ReadonlySet<string> = new Set<SignInRefusal['code']>(['untrusted-page', 'relayed', 'other-page']);

/** The banner's heading: a sign-in the extension refused to take is not "yours that failed". */
export function problemHeading(problem: Pick<CaptureProblem, 'error'>): string {
  return REFUSALS.has(problem.error.code) ? 'A sign-in to AWS from another page was not used' : 'Your last sign-in to AWS could not be used';
}

export function EmptyState() {
  return (
    <section class="empty" data-testid="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">No AWS sign-in yet</h2>
      <p>
        Sign in to AWS through your identity provider as you usually do (with Microsoft Entra ID: the AWS tile in My Apps; with Okta, Google or AD FS: the AWS
        app there), then open this popup again. Roles appear here; nothing is sent anywhere but AWS STS.
      </p>
    </section>
  );
}

export function ProblemBanner({ problem }: { problem: CaptureProblem }) {
  const at = new Date(problem.capturedAt);
  return (
    <section class="banner error problem" role="alert" data-testid="capture-problem" aria-labelledby="problem-title">
      <h2 id="problem-title">{problemHeading(problem)}</h2>
      <p>{problem.error.message}</p>
      <p class="meta">
        {problem.page ? (
          <>
            Sent by <span class="mono">{problem.page}</span> to{' '}
          </>
        ) : (
          'Sign-in page '
        )}
        <span class="mono">{problem.acsHost}</span> at <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>
      </p>
    </section>
  );
}

/** What the popup shows before any sign-in was captured, and the last sign-in that could not be used. */
import type { CaptureProblem } from '../lib/capture';

export function EmptyState() {
  return (
    <section class="empty" data-testid="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">No AWS sign-in yet</h2>
      <p>
        Sign in to AWS through your identity provider as you usually do (with Microsoft Entra ID: the AWS tile in My
        Apps; with Okta, Google or AD FS: the AWS app there), then open this popup again. Roles appear here; nothing is
        sent anywhere but AWS STS.
      </p>
    </section>
  );
}

export function ProblemBanner({ problem }: { problem: CaptureProblem }) {
  const at = new Date(problem.capturedAt);
  return (
    <section class="banner error problem" role="alert" data-testid="capture-problem" aria-labelledby="problem-title">
      <h2 id="problem-title">Your last sign-in to AWS could not be used</h2>
      <p>{problem.error.message}</p>
      <p class="meta">
        Sign-in page <span class="mono">{problem.acsHost}</span> at{' '}
        <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>
      </p>
    </section>
  );
}

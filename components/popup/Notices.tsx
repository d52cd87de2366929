/** What the popup says above the sign-ins: missing host permissions, a failed action, the last unusable sign-in, nothing captured yet, roles hidden by the allow-list. */
import type { CaptureProblem } from '../../lib/capture';
import { EmptyState, ProblemBanner } from '../EmptyState';
import { HostPermissionBanner } from '../lazy';
import { hiddenByPolicyText } from '../view-model';

interface NoticesProps {
  /** Forget or pin failed. */
  actionError: string | undefined;
  problem: CaptureProblem | undefined;
  empty: boolean;
  /** Roles left out by the allow-list. */
  hidden: number;
  /** The allow-list is the organisation's policy, not the user's option. */
  hiddenByOrganisation: boolean;
}

export function Notices({ actionError, problem, empty, hidden, hiddenByOrganisation }: NoticesProps) {
  return (
    <>
      <HostPermissionBanner />
      {actionError && (
        <p class="banner error" role="alert">
          {actionError}
        </p>
      )}
      {problem && <ProblemBanner problem={problem} />}
      {empty && <EmptyState />}
      {hidden > 0 && (
        <p class="muted small" data-testid="hidden-by-policy">
          {hiddenByPolicyText(hidden, hiddenByOrganisation)}
        </p>
      )}
    </>
  );
}

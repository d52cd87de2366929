/** A list of settings problems: which setting, and what is wrong with it. */
import type { SettingsIssue } from '../../lib/settings';

export function IssueList({ issues, testId }: { issues: readonly SettingsIssue[]; testId: string }) {
  return (
    <ul class="issues">
      {issues.map((i, n) => (
        <li key={n} data-testid={testId} data-path={i.path}>
          <code>{i.path || '(the file)'}</code> {i.message}
        </li>
      ))}
    </ul>
  );
}

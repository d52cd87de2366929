/**
 * Browser (background): the user accepts "Rename to <name>" for a role a learnt alias would name differently
 * (lib/profile-template.ts `keepGivenName`). The role is named so from now on; if its credentials were saved, they
 * are written under the new name first and the old section is removed after (through the helper, which removes
 * only sections it wrote), so the profile is never missing in between.
 */
import type { BackgroundRequests } from '../browser/messages';
import { readGivenNames, rememberGivenNames } from '../browser/profile-names-store';
import { readState, saveOutcome } from '../browser/session-store';
import { removeSavedProfiles, saveToCredentialsFile } from './credentials-host';

type Rename = BackgroundRequests['renameProfile'];

export async function renameProfile({ roleArn }: Rename['request']): Promise<Rename['response']> {
  const state = await readState();
  const outcome = state.outcomes[roleArn];
  if (outcome?.status !== 'ok' || !outcome.renameTo) return { ok: false, message: 'There is no rename to accept for this role any more.' };
  const from = outcome.profileName;
  const to = outcome.renameTo;
  const given = (await readGivenNames())[roleArn];
  const { renameTo: _accepted, ...renamed } = outcome;
  await saveOutcome({ ...renamed, profileName: to });
  await rememberGivenNames({ [roleArn]: { name: to, plain: given?.plain ?? to } });
  if (state.saved[roleArn]?.profileName === from) {
    const saved = await saveToCredentialsFile({ roleArns: [roleArn] });
    if (!saved.ok) return { ok: false, message: saved.problem.message };
    const removed = await removeSavedProfiles([from]);
    if (!removed.ok) return { ok: false, message: removed.message };
  }
  return { ok: true, name: to };
}

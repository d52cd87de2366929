/**
 * Profile names now live in `profile-template.ts` (templates, overrides, collisions). This re-export keeps
 * `lib/background/assume-roles.ts` building until it resolves names from settings; delete the file then.
 */
export { defaultProfileName } from './profile-template';

/**
 * Which profile names the extension writes: the one rule, apart from the credentials file's reader and writer
 * (lib/credentials-file.ts) so that pages checking a name do not carry the file format. Pure.
 */

/** The characters every SDK accepts in a profile name (a regex character-class body; the Java SDK drops others). */
export const PROFILE_NAME_CHARACTERS = 'A-Za-z0-9_-';
/** The longest profile name written. */
export const MAX_PROFILE_NAME_LENGTH = 64;
/** Profile names every SDK accepts; anything else could corrupt the file (`]`, `=`, newlines). */
export const PROFILE_NAME = new RegExp(`^[${PROFILE_NAME_CHARACTERS}]{1,${MAX_PROFILE_NAME_LENGTH}}$`);

/** Whether `name` is a profile name every SDK accepts. */
export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/**
 * The extension's identities. The Chrome id follows from the public `key` in the manifest (no private key is
 * kept anywhere: the store signs uploads with its own key), so native-messaging hosts can name it on every machine.
 */

/** Base64 SubjectPublicKeyInfo; Chrome derives the extension id from it. */
export const CHROME_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwicdi8UPFdLHBfLwIDnj9wmHW9RbfrfI5tl5hDlbQOOBbB3krqv7Y4HZyq27MvOpq7226CrSDuKLkisgt0k77c3pzoAUUaHo1wN8R/T8j3bzDK0F+N4W9AM4ESW5XR40oS4eTcTTXTGXk4Mh/2QnteFY4iCDw5Pj2bLpgIcj14nQkPNL4I7v8LaePlB29Uaax1I+zXw6Hk6Vaswtynqwg1vqj9B/gmsyg9edCaz+8JZzNAbVJIw3e7MlboSPNh0PihIuimM8bmcORU93M/k9zJN2e0EMlYGYmnaFf9a9pl6hOqLkdOPDDSIYBg0RkQbYOXOXhhCpDe8fxQFjR7IsRwIDAQAB';

/** `sha256(key)[0..32]` mapped 0-f → a-p; checked by a unit test. */
export const CHROME_EXTENSION_ID = 'ndcebehelkhblldpkdbhkppfmpokkena';

/** Firefox add-on id (`browser_specific_settings.gecko.id`). */
export const GECKO_ID = 'aws-saml-bridge@aws-saml-bridge.dev';

/** The host's version: package.json's, baked in by scripts/build-host.mjs; "dev" when run from source. */
declare const __AWS_SAML_BRIDGE_VERSION__: string | undefined;

export const HOST_VERSION: string = typeof __AWS_SAML_BRIDGE_VERSION__ === 'string' ? __AWS_SAML_BRIDGE_VERSION__ : 'dev';

/**
 * The native-messaging host's name, shared by the extension (`runtime.sendNativeMessage(NATIVE_HOST_NAME, …)`)
 * and the installer (`<NATIVE_HOST_NAME>.json` manifests). Reverse DNS of aws-saml-bridge.dev, like the gecko id.
 */
export const NATIVE_HOST_NAME = 'dev.aws_saml_bridge.host';

/** Chrome's rule for host names: lowercase letters, digits, `_` and `.`, no leading, trailing or double dot. */
export const NATIVE_HOST_NAME_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

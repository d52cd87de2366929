/**
 * The native-messaging host (built to dist-host/aws-saml-bridge-host.mjs). The browser starts it with the caller's
 * identity in argv and talks over stdin/stdout; stdout carries only protocol frames, diagnostics go to stderr.
 * Requests are handled one at a time, in order, until stdin ends.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { credentialsFilePath } from './credentials-store';
import { configFilePath } from './config-store';
// From manifest.ts, not installer.ts: a host never installs, and need not load child_process for a file name.
import { CLI_SCRIPT_NAME } from './manifest';
import { encodeFrame, FrameDecoder, MAX_REQUEST_BYTES } from './framing';
import { encodeReply, handleFrame, type HostContext } from './handlers';
import { HOST_CONFIG_FILE, identifyCaller, isAllowedCaller, loadHostConfig } from './host-config';
import { errorReply, type HostEvent, type HostReply } from '../lib/host-protocol';
import { createAgentControl } from './agent/host';
import { currentAgentPaths } from './agent/endpoint';

/**
 * No optimizing compiler: a host serves one request or one browser session of small messages, so code that gets
 * hot (the scan of a large credentials file) finishes before an optimized version would pay off, while compiling
 * one costs memory and a core. Measured on a 2,000-profile write (Node 20): peak RSS −6 MB and a faster write; the
 * baseline compiler still runs. Set here rather than in the launcher: every way of starting the host gets it, and
 * a flag a future Node no longer knows is reported on stderr here instead of stopping the host.
 */
setFlagsFromString('--no-turbofan');
setFlagsFromString('--no-maglev');

function sendEvent(event: HostEvent): void {
  process.stdout.write(encodeFrame(JSON.stringify(event)));
}

function send(reply: HostReply): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(encodeReply(reply), (e) => (e ? reject(e) : resolve())));
}

async function main(): Promise<number> {
  // The browser went away while a reply was being written: nothing left to do.
  process.stdout.on('error', () => process.exit(0));
  const config = await loadHostConfig(join(dirname(fileURLToPath(import.meta.url)), HOST_CONFIG_FILE));
  const caller = identifyCaller(process.argv.slice(2));
  if (!isAllowedCaller(caller, config)) {
    await send(
      errorReply(
        null,
        'FORBIDDEN_CALLER',
        caller.browser === 'unknown'
          ? 'the host was started without a browser extension caller'
          : `extension ${caller.extensionId} is not allowed to use this host; reinstall with --extension-id`,
      ),
    );
    return 1;
  }
  // The agent listens only after the extension's `agent-start`; its socket and secret go when the port closes.
  const agent = createAgentControl(
    () => currentAgentPaths(),
    sendEvent,
    (line) => process.stderr.write(`${line}\n`),
  );
  process.on('exit', () => agent.stop());
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0));
  const context: HostContext = {
    credentialsFile: credentialsFilePath(process.env, homedir()),
    agent,
    configFile: configFilePath(process.env, homedir()),
    // install-host puts the CLI next to this host; credential_process runs it with the Node that runs this host.
    helperCommand: { nodePath: process.execPath, helperPath: join(dirname(fileURLToPath(import.meta.url)), CLI_SCRIPT_NAME), platform: process.platform },
  };
  const decoder = new FrameDecoder(MAX_REQUEST_BYTES);
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'oversized') {
        // The rest of the stream cannot be framed reliably: say why and stop.
        await send(errorReply(null, 'REQUEST_TOO_LARGE', `a message of ${event.length} bytes is over this host's limit of ${MAX_REQUEST_BYTES}`));
        agent.stop();
        return 1;
      }
      await send(await handleFrame(event.body, context));
    }
  }
  // EOF (the browser closed the port). A partial frame left over is dropped: nothing to answer.
  agent.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`aws-saml-bridge: host stopped: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

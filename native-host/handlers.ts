/** One frame in, one reply out: decoding, validation, dispatch to the credentials store, errors as replies. */
import { decodeBody, encodeFrame, MAX_REPLY_BYTES } from './framing';
import { credentialsFileStatus, listProfiles, lockDeadline, makeFilePrivate, removeProfiles, StoreError, writeProfiles } from './credentials-store';
import {
  errorReply,
  hostErrorReply,
  parseRequest,
  PROTOCOL_VERSION,
  type HostReply,
  type HostRequest,
  type HostRequestType,
  type OkReply,
  type ReplyBodies,
} from '../lib/host-protocol';
import { HOST_VERSION } from './version';
import type { AgentControl } from './agent/host';
import { removeConfigProfiles, writeConfigProfiles, type HelperCommand } from './config-store';

/** What a request needs from the outside world. */
export interface HostContext {
  /** The credentials file path (from the environment, `~` expanded). */
  credentialsFile: string;
  /** The credential_process agent of this host process (absent: agent requests are refused). */
  agent?: AgentControl;
  /** The config file path (`AWS_CONFIG_FILE`, else `~/.aws/config`); requests for it fail without one. */
  configFile?: string;
  /** What `credential_process` lines run: this helper's own absolute paths. */
  helperCommand?: HelperCommand;
}

function ok<T extends HostRequestType>(request: { id: string; type: T }, body: ReplyBodies[T]): OkReply<T> {
  const head = { v: PROTOCOL_VERSION, id: request.id, ok: true, type: request.type } as const;
  return { ...head, ...body } as OkReply<T>;
}

/** Runs one valid request. Requests that lock the file give up waiting `HOST_LOCK_WAIT_MS` after they start. */
export async function handleRequest(request: HostRequest, context: HostContext): Promise<HostReply> {
  const deadline = lockDeadline();
  try {
    switch (request.type) {
      case 'ping':
        return ok(request, {
          hostVersion: HOST_VERSION,
          protocol: PROTOCOL_VERSION,
          platform: process.platform,
          credentialsFile: await credentialsFileStatus(context.credentialsFile),
        });
      case 'write-profiles':
        return ok(
          request,
          await writeProfiles(context.credentialsFile, request.profiles, {
            overwriteUnmanaged: request.overwriteUnmanaged,
            removeExpiredAfterDays: request.removeExpiredAfterDays,
            deadline,
          }),
        );
      case 'remove-profiles':
        return ok(request, await removeProfiles(context.credentialsFile, request.names, { deadline }));
      case 'list-profiles':
        return ok(request, await listProfiles(context.credentialsFile));
      case 'make-file-private':
        return ok(request, await makeFilePrivate(context.credentialsFile, { deadline }));
      case 'agent-start': {
        if (!context.agent) return errorReply(request.id, 'AGENT_UNAVAILABLE', 'this host cannot run the credential_process agent');
        const started = await context.agent.start();
        return started.ok ? ok(request, { endpoint: started.endpoint }) : errorReply(request.id, 'AGENT_UNAVAILABLE', started.message);
      }
      case 'agent-sessions':
        if (!context.agent) return errorReply(request.id, 'AGENT_UNAVAILABLE', 'send agent-start first');
        return ok(request, { count: context.agent.setSessions(request.sessions) });
      case 'agent-renew-result':
        context.agent?.renewResult(request.renewId, request.result);
        return ok(request, {});
      case 'write-config':
        if (!context.configFile || !context.helperCommand) return errorReply(request.id, 'INTERNAL', 'this host was started without a config file path');
        return ok(request, await writeConfigProfiles(context.configFile, request.profiles, context.helperCommand, { deadline }));
      case 'remove-config':
        if (!context.configFile) return errorReply(request.id, 'INTERNAL', 'this host was started without a config file path');
        return ok(request, await removeConfigProfiles(context.configFile, request.names, { deadline }));
    }
  } catch (e) {
    if (e instanceof StoreError) return hostErrorReply(request.id, e.error);
    // Unexpected: say so without details that could carry file content.
    process.stderr.write(`aws-saml-bridge: internal error in ${request.type}: ${e instanceof Error ? e.name : typeof e}\n`);
    return errorReply(request.id, 'INTERNAL', `the host failed while handling ${request.type}; see the browser's log of the host's stderr`);
  }
}

/** Decodes, validates and runs the request in one frame body. */
export async function handleFrame(body: Buffer, context: HostContext): Promise<HostReply> {
  const decoded = decodeBody(body);
  if (!decoded.ok) {
    return decoded.reason === 'invalid-utf8'
      ? errorReply(null, 'INVALID_UTF8', 'the message is not valid UTF-8')
      : errorReply(null, 'INVALID_JSON', body.length ? 'the message is not valid JSON' : 'the message is empty');
  }
  let parsed: ReturnType<typeof parseRequest>;
  try {
    parsed = parseRequest(decoded.value);
  } catch (e) {
    // A validation bug must cost one error reply, not the host (and every request queued behind this one).
    process.stderr.write(`aws-saml-bridge: internal error while reading a request: ${e instanceof Error ? e.name : typeof e}\n`);
    return errorReply(null, 'INTERNAL', "the host could not read this request; see the browser's log of the host's stderr");
  }
  return parsed.ok ? handleRequest(parsed.request, context) : parsed.reply;
}

/** The frame for `reply`, or, if that would exceed the browser's 1 MB limit, a REPLY_TOO_LARGE error for the same id. */
export function encodeReply(reply: HostReply, maxBytes: number = MAX_REPLY_BYTES): Buffer {
  const frame = encodeFrame(JSON.stringify(reply));
  if (frame.length - 4 <= maxBytes) return frame;
  return encodeFrame(
    JSON.stringify(errorReply(reply.id, 'REPLY_TOO_LARGE', `the reply would be ${frame.length - 4} bytes; browsers accept at most ${maxBytes}`)),
  );
}

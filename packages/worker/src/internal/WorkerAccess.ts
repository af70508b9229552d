import { WorkerError } from '../errors.js';
import type { PeerIdentity } from '../PeerIdentity.js';
import type { PathDenial, Sandbox } from '../sandbox/Sandbox.js';
import type { StoredJobRecord } from '../store/SqliteJobStore.js';
import type { UploadStore } from '../store/UploadStore.js';
import type { WorkerLogEntry, WorkerLogger } from '../WorkerLogEntry.js';
import { UploadGuard } from './UploadGuard.js';

/** What the access rules need of a worker. */
export interface WorkerAccessParts {
  sandbox: Sandbox;
  uploadStore: UploadStore;
  logger: WorkerLogger;
  now: () => number;
}

/**
 * Who may do what on a worker (docs/security.md, "Worker"): the files each caller may
 * reach, and who may stop or cancel a job. Refusals are logged with the detail the caller
 * is not told.
 */
export class WorkerAccess {
  constructor(private readonly parts: WorkerAccessParts) {}

  /** The mounts as `identity` may use them: in the uploads folder, only its own uploads. */
  sandboxFor(identity: PeerIdentity | undefined): Sandbox {
    const uploadsDir = this.parts.sandbox.realPathOf('uploads');
    return this.parts.sandbox.withOptions({
      onDenied: (denial) => this.logDenial(denial, identity),
      ...(identity === undefined || uploadsDir === undefined
        ? {}
        : { guard: new UploadGuard(this.parts.uploadStore, uploadsDir, identity.credentialId) }),
    });
  }

  /**
   * Throws `not_owner` unless `identity` may stop or cancel the job: its owner, an
   * `admin`, or the local mode (no identity).
   */
  requireControl(
    job: StoredJobRecord,
    identity: PeerIdentity | undefined,
    action: 'stop' | 'cancel',
  ): void {
    if (identity === undefined || identity.role === 'admin') return;
    const owner = job.owner;
    if (owner?.credentialId === identity.credentialId) return;
    const by = owner
      ? `by another member of the room, credential ${owner.credentialId}${owner.name ? ` (${owner.name})` : ''}`
      : 'on the worker itself by its operator, not over the room';
    this.log({
      event: 'not_owner',
      credentialId: identity.credentialId,
      jobId: job.jobId,
      message: `${action} of job ${job.jobId} refused for ${who(identity)}: it was started ${owner ? `by credential ${owner.credentialId}` : 'locally'}`,
    });
    throw new WorkerError(
      'not_owner',
      `you cannot ${action} job ${job.jobId}: it was started ${by}; ask ${owner ? "them, or the worker's operator" : "the worker's operator"} to ${action} it`,
      { details: { jobId: job.jobId, ownerCredentialId: owner?.credentialId ?? null } },
    );
  }

  private logDenial(denial: PathDenial, identity: PeerIdentity | undefined): void {
    if (denial.kind !== 'escape' && denial.kind !== 'guard' && denial.kind !== 'unreadable') {
      return; // the client was told everything there is (a laptop's path, a relative one)
    }
    const leads = denial.resolved === undefined ? '' : ` (it leads to ${denial.resolved})`;
    const cause = denial.cause === undefined ? '' : ` [${denial.cause}]`;
    this.log({
      event: 'path_denied',
      ...(identity ? { credentialId: identity.credentialId } : {}),
      path: denial.path,
      ...(denial.resolved === undefined ? {} : { resolved: denial.resolved }),
      message: `path denied for ${who(identity)}: ${JSON.stringify(denial.path)}${leads}${cause}: ${denial.reason}`,
    });
  }

  private log(entry: Omit<WorkerLogEntry, 'at'>): void {
    try {
      this.parts.logger({ at: this.parts.now(), ...entry });
    } catch {
      // A failing log must not turn a refusal into an internal error.
    }
  }
}

/** A caller in an operator's words. */
function who(identity: PeerIdentity | undefined): string {
  if (!identity) return 'the local client';
  return `${identity.role}${identity.name ? ` ${identity.name}` : ''} (credential ${identity.credentialId})`;
}

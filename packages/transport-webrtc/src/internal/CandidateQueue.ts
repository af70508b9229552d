import type { IceCandidateInit, RtcPeer } from './rtcTypes.js';

/**
 * Remote ICE candidates of one peer connection: held until the remote description is
 * applied (browsers refuse them before), then added as they come.
 */
export class CandidateQueue {
  private readonly pending: IceCandidateInit[] = [];
  private ready = false;

  constructor(private readonly peer: RtcPeer) {}

  add(candidate: IceCandidateInit): void {
    if (this.ready) this.peer.addIceCandidate(candidate).catch(() => undefined);
    else this.pending.push(candidate);
  }

  /** The remote description is applied: add what was held. */
  async flush(): Promise<void> {
    this.ready = true;
    for (const candidate of this.pending.splice(0))
      await this.peer.addIceCandidate(candidate).catch(() => undefined);
  }
}

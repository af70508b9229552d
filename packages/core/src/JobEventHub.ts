import type { EventPage, JobStore } from './JobStore.js';
import { encodeJson } from './protocol/encodeJson.js';
import type { RpcPeer } from './protocol/RpcPeer.js';
import type { JobEvent } from './schemas/JobEvent.js';

/** An event as the hub takes it: everything but the numbering. */
export type NewJobEvent = JobEvent extends infer E
  ? E extends JobEvent
    ? Omit<E, 'seq' | 'jobId' | 'ts'>
    : never
  : never;

/**
 * The worker side of job events: numbers each event, stores it first, then pushes it to
 * every connection attached to the job; serves history in pages that fit one message.
 * A connection that drops simply misses pushes: the client repairs the gap by `seq`.
 */
export class JobEventHub {
  private readonly attached = new Map<string, Set<RpcPeer>>();

  constructor(
    private readonly store: JobStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Numbers, stores and pushes one event; returns it as sent. */
  emit(jobId: string, event: NewJobEvent): JobEvent {
    const seq = this.store.lastSeq(jobId) + 1;
    const full = Object.assign({ jobId, seq, ts: this.now() }, event) as JobEvent;
    this.store.appendEvent(full);
    const peers = this.attached.get(jobId);
    if (peers !== undefined) for (const peer of peers) peer.sendEvent(full);
    return full;
  }

  /** Sends the job's future events to `peer` too. */
  attach(jobId: string, peer: RpcPeer): void {
    let peers = this.attached.get(jobId);
    if (peers === undefined) {
      peers = new Set();
      this.attached.set(jobId, peers);
    }
    peers.add(peer);
  }

  /** Stops pushing to `peer` (its connection closed). */
  detachPeer(peer: RpcPeer): void {
    for (const peers of this.attached.values()) peers.delete(peer);
  }

  /** Events after `afterSeq` (up to `untilSeq`), as many as fit `maxBytes` of JSON. */
  page(jobId: string, afterSeq: number, untilSeq: number | undefined, maxBytes: number): EventPage {
    return this.store.page(jobId, afterSeq, untilSeq, maxBytes);
  }
}

/**
 * Takes events from the front of `events` while their JSON fits `maxBytes` (at least one):
 * the paging rule every `JobStore` follows.
 */
export function takeWithinBytes(events: Iterable<JobEvent>, maxBytes: number): EventPage {
  const page: JobEvent[] = [];
  let bytes = 64;
  for (const event of events) {
    const size = utf8Length(encodeJson(event)) + 1;
    if (bytes + size > maxBytes && page.length > 0) return { events: page, more: true };
    bytes += size;
    page.push(event);
  }
  return { events: page, more: false };
}

/** UTF-8 byte length of a string without allocating. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

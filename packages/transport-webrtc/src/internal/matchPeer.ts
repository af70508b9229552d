import type { WorkerInfo } from '@trainwire/core';
import type { PeerFilter, PeerInfo } from '../signalingMessages.js';

type Scalar = string | number | boolean;

/** Filterable properties derived from a worker's info, so clients can ask for GPU memory. */
export function workerProperties(info: WorkerInfo | undefined): Record<string, Scalar> {
  if (!info) return {};
  return {
    gpuMemoryMiB: info.gpu?.memoryMiB ?? 0,
    gpuName: info.gpu?.name ?? '',
    hasGpu: info.gpu !== null,
    cpuCores: info.cpu.cores,
    ramMiB: info.ramMiB,
  };
}

/** True when `peer` meets every condition of `filter`. */
export function matchPeer(peer: PeerInfo, filter: PeerFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.role !== undefined && peer.role !== filter.role) return false;
  if (filter.status !== undefined && peer.status !== filter.status) return false;
  if (filter.keyId !== undefined && peer.keyId !== filter.keyId) return false;
  if (filter.tags?.some((tag) => !peer.tags.includes(tag))) return false;
  for (const [key, condition] of Object.entries(filter.properties ?? {})) {
    const value = key === 'status' ? peer.status : peer.properties[key];
    if (value === undefined) return false;
    if (typeof condition !== 'object') {
      if (value !== condition) return false;
      continue;
    }
    if (condition.$eq !== undefined && value !== condition.$eq) return false;
    if (condition.$gte !== undefined && !(typeof value === 'number' && value >= condition.$gte))
      return false;
    if (condition.$lte !== undefined && !(typeof value === 'number' && value <= condition.$lte))
      return false;
  }
  return true;
}

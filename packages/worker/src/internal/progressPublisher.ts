import { createProgressPublisher } from '@trainwire/bridge-zmq';
import type { ProgressMessage } from '@trainwire/core';

/** What the trainer needs from `@trainwire/bridge-zmq`'s progress publisher. */
export interface TrainerPublisher {
  publish(message: ProgressMessage): void;
  onStop(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * Opens the trainer's PUB (and control SUB) through `@trainwire/bridge-zmq`; with no
 * publish address, progress goes nowhere and only signals can stop the run.
 */
export async function openProgressPublisher(options: {
  publishAddress: string | undefined;
  controlAddress: string | undefined;
  what: string | undefined;
}): Promise<TrainerPublisher> {
  if (!options.publishAddress) {
    return { publish: () => {}, onStop: () => {}, close: async () => {} };
  }
  const publisher = await createProgressPublisher({
    publishAddress: options.publishAddress,
    ...(options.controlAddress ? { controlAddress: options.controlAddress } : {}),
    ...(options.what ? { what: options.what } : {}),
  });
  return {
    publish: (message) => {
      // Delivery problems are counted by the publisher; training goes on.
      publisher.publish(message).catch(() => {});
    },
    onStop: (listener) => {
      publisher.stopRequested$.subscribe(() => listener());
    },
    close: () => publisher.close(),
  };
}

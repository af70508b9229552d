import type { Observable } from 'rxjs';
import { pacedChunks } from './pacedChunks.js';

/**
 * A byte stream read once: chunks that arrive before the reader subscribes are kept and
 * replayed to it, as a data channel's queue holds them; a second subscriber gets an
 * error. {@link pacedChunks} without the pacing, for a source that cannot be slowed.
 */
export function bufferUntilSubscribed(source: Observable<Uint8Array>): Observable<Uint8Array> {
  const paced = pacedChunks({ id: '', onConsumed: () => undefined, onRefuse: () => undefined });
  source.subscribe({
    next: (chunk) => paced.push(chunk),
    error: (error: unknown) => paced.error(error),
    complete: () => paced.complete(),
  });
  return paced.chunks$;
}

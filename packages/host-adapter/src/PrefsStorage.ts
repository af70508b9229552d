/**
 * Where the client's preferences (the experimental flag among them) are kept: a small port
 * that reads and writes one JSON document as text. `@trainwire/host-adapter` ships
 * {@link FilePrefsStorage} (Node: a prefs file in the user's config directory),
 * {@link LocalStoragePrefsStorage} (a browser) and {@link MemoryPrefsStorage} (kept for the
 * life of the page); a host with its own settings store (Tauri, Electron, a server)
 * implements these few members.
 *
 * The document may hold other preferences too (CPU-only, last room and worker): a writer
 * keeps the keys it does not know.
 *
 * @example
 * ```ts
 * const storage: PrefsStorage = {
 *   description: 'the app settings',
 *   read: async () => settings.get('trainwire') ?? undefined,
 *   write: async (text) => settings.set('trainwire', text),
 * };
 * const flag = await ExperimentalFlag.open({ storage });
 * ```
 */
export interface PrefsStorage {
  /** Where the preferences live, in words a user can follow ("/home/ana/.config/trainwire/prefs.json"). */
  readonly description: string;
  /** The stored text, or undefined when nothing was saved yet. Rejects when it cannot be read. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text. Rejects when it cannot be saved. */
  write(text: string): Promise<void>;
  /** Optional: calls `onChange` when something else changed the stored text (another tab); returns stop. */
  watch?(onChange: () => void): () => void;
}

import { useState } from 'react';

export interface CopyButtonProps {
  text: string;
  /** The visible label ("Copy", "Copy Commands"). */
  label?: string;
  /** What is copied, for screen readers: "Copy resume command". */
  accessibleLabel?: string;
}

/**
 * Copies `text` with `navigator.clipboard` when the page may; otherwise (or when it is
 * refused) says to select the text and copy it by hand. The outcome is announced.
 */
export function CopyButton({ text, label = 'Copy', accessibleLabel }: CopyButtonProps) {
  const [outcome, setOutcome] = useState<'copied' | 'manual' | null>(null);
  const copy = async () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (clipboard?.writeText === undefined) {
      setOutcome('manual');
      return;
    }
    try {
      await clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('manual');
    }
  };
  return (
    <span className="tw-copy">
      <button type="button" aria-label={accessibleLabel} onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="tw-copy-status">
        {outcome === 'copied'
          ? 'Copied.'
          : outcome === 'manual'
            ? 'Could not copy here: select the text and press Ctrl+C (⌘C).'
            : ''}
      </span>
    </span>
  );
}

import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

export interface DialogProps {
  title: string;
  onClose?: (() => void) | undefined;
  children: ReactNode;
  /** Buttons at the bottom. */
  actions: ReactNode;
  /** `alertdialog` for failures the user must read. */
  role?: 'dialog' | 'alertdialog';
  className?: string;
}

/**
 * A labelled modal dialog: `aria-labelledby` its title, focus moved to its first control,
 * Escape closes it. The host's stylesheet positions it (class `tw-dialog`).
 */
export function Dialog({
  title,
  onClose,
  children,
  actions,
  role = 'dialog',
  className,
}: DialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>(
      'button, [href], input, select, textarea',
    );
    first?.focus();
  }, []);
  const props = {
    ref,
    'aria-modal': true,
    'aria-labelledby': titleId,
    'aria-describedby': bodyId,
    className: className === undefined ? 'tw-dialog' : `tw-dialog ${className}`,
    onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => {
      if (event.key === 'Escape' && onClose !== undefined) {
        event.stopPropagation();
        onClose();
      }
    },
  } as const;
  const content = (
    <>
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <div className="tw-dialog-actions">{actions}</div>
    </>
  );
  return role === 'alertdialog' ? (
    <div role="alertdialog" {...props}>
      {content}
    </div>
  ) : (
    <div role="dialog" {...props}>
      {content}
    </div>
  );
}

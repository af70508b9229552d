import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

const FIRST_CONTROL = 'button, [href], input, select, textarea';
const FOCUSABLE = `${FIRST_CONTROL}, summary`;

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
 * A labelled modal dialog: `aria-labelledby` its title, focus moved to its first control
 * (and back to where it was once closed), Tab kept inside it, Escape closes it. The host's stylesheet positions it (class `tw-dialog`).
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
    // Focus goes back where it was (the button that opened the dialog) when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = ref.current?.querySelector<HTMLElement>(FIRST_CONTROL);
    first?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
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
        return;
      }
      // Tab stays inside the dialog: from its last control to its first, and back.
      if (event.key !== 'Tab' || ref.current === null) return;
      const controls = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
        (control) => !(control as HTMLButtonElement).disabled,
      );
      const first = controls[0];
      const last = controls.at(-1);
      if (first === undefined || last === undefined) return;
      if (event.shiftKey ? document.activeElement === first : document.activeElement === last) {
        event.preventDefault();
        (event.shiftKey ? last : first).focus();
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

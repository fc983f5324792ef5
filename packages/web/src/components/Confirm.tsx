/**
 * A button that asks first: the browser's own modal `<dialog>` (`showModal()`: the rest of the
 * page inert, focus kept inside, Escape cancels), labelled as an alert dialog. Radix's dialog was
 * dropped here because it injects a `<style>` element (react-remove-scroll) that the production
 * CSP (`style-src 'self'`) refuses.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel,
  onConfirm,
  disabled,
  className = 'danger',
  label,
}: {
  children: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
  /** The trigger's accessible name when its text is not enough. */
  label?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const id = useId();
  // The dialog's content exists only while it is open (as a portal's would).
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const close = () => {
    dialog.current?.close();
    setOpen(false);
    trigger.current?.focus();
  };
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        disabled={disabled}
        aria-label={label}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {children}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        role="alertdialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-description`}
        onClose={() => setOpen(false)}
        onCancel={() => trigger.current?.focus()}
      >
        {open && (
          <>
            <h2 id={`${id}-title`}>{title}</h2>
            <p id={`${id}-description`}>{description}</p>
            <div className="row end">
              <button type="button" className="secondary" autoFocus onClick={close}>
                Keep it
              </button>
              <button
                type="button"
                className={className}
                onClick={() => {
                  close();
                  onConfirm();
                }}
              >
                {confirmLabel}
              </button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}

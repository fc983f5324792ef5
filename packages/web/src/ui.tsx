/** Small shared pieces: labelled fields with their message, forms, status lines, load-more. */
import {
  useId,
  type FormEvent,
  type FormHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
} from 'react';
import { errorMessage, retryFailed } from './api.ts';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string;
  hint?: string;
}

/** An input with its `<label>`, and its validation message tied by aria-describedby. */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={messageId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {errorMessage(error)}
    </p>
  );
}

interface MutationFormProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> {
  /** The fields. */
  children: ReactNode;
  /** react-hook-form's `handleSubmit(…)`: checks every field at once, then sends. */
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>;
  /** The failed mutation's message, shown above the button. */
  error: unknown;
  /** While true the button is disabled, so a double click sends once. */
  pending: boolean;
  submitLabel: ReactNode;
  submitClassName?: string;
  /** Some field failed its check: one line says so beside the button (the fields say why). */
  invalid?: boolean;
  /** A status line once it succeeded ("Saved."). */
  success?: string | false;
  /** More buttons beside the submit button (e.g. Cancel). */
  actions?: ReactNode;
}

/**
 * The form every mutation uses: fields, then the API's message, a success line and the submit
 * button. Browser validation is off (`noValidate`): the schema's and the API's messages are shown.
 */
export function MutationForm({
  children,
  onSubmit,
  error,
  pending,
  submitLabel,
  submitClassName,
  success,
  invalid,
  actions,
  className = 'stack',
  ...form
}: MutationFormProps) {
  const submit = (
    <button type="submit" className={submitClassName} disabled={pending}>
      {submitLabel}
    </button>
  );
  return (
    <form {...form} className={className} noValidate onSubmit={(event) => void onSubmit(event)}>
      {children}
      {invalid && (
        <p role="alert" className="form-error">
          Please correct the fields marked above.
        </p>
      )}
      <FormError error={error} />
      {success && <p role="status">{success}</p>}
      {actions ? (
        <div className="row">
          {submit}
          {actions}
        </div>
      ) : (
        submit
      )}
    </form>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="muted">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/**
 * A failed query, said in plain words, with "Try again": it fetches every failed query on the
 * page again (the list, the categories beside it…), so the page recovers without a reload.
 */
export function QueryError({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="error-state">
      <p className="error-title">{title ?? 'This did not load.'}</p>
      <p>{errorMessage(error)}</p>
      <button type="button" onClick={() => void retryFailed()}>
        Try again
      </button>
    </div>
  );
}

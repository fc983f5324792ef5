/**
 * The form every mutation uses: its fields, one line when some field failed its check, the API's
 * message, a success line and the submit button. Browser validation is off (`noValidate`): the
 * schema's and the API's messages are shown instead.
 */
import type { FormHTMLAttributes, ReactNode } from 'react';
import type { FieldValues, UseFormHandleSubmit } from 'react-hook-form';
import { FormError } from '../ui.tsx';

/** What the form shows of a mutation it sends (TanStack Query's `useMutation` result). */
interface Sending {
  error: unknown;
  isPending: boolean;
}

interface MutationFormProps<V extends FieldValues> extends Omit<
  FormHTMLAttributes<HTMLFormElement>,
  'onSubmit'
> {
  /** The fields. */
  children: ReactNode;
  /** A `useSchemaForm` form (components/forms.ts). */
  form: { handleSubmit: UseFormHandleSubmit<V>; invalid: boolean };
  /** Called once every field passes the schema: sends the mutation. */
  onValid: (values: V) => void;
  /**
   * The mutation(s) the form sends (sign-up, then sign-in): the first failure is shown above the
   * button, which is disabled while any is pending, so a double click sends once.
   */
  sending: Sending | Sending[];
  submitLabel: ReactNode;
  /** The button's label while pending ("Signing in…"); `submitLabel` if not given. */
  pendingLabel?: ReactNode;
  submitClassName?: string;
  /** A status line once it succeeded ("Saved."). */
  success?: string | false;
  successClassName?: string;
}

export function MutationForm<V extends FieldValues>({
  children,
  form,
  onValid,
  sending,
  submitLabel,
  pendingLabel,
  submitClassName,
  success,
  successClassName,
  className = 'stack',
  ...attributes
}: MutationFormProps<V>) {
  const mutations = Array.isArray(sending) ? sending : [sending];
  const pending = mutations.some((m) => m.isPending);
  const submit = form.handleSubmit(onValid);
  return (
    <form {...attributes} className={className} noValidate onSubmit={(e) => void submit(e)}>
      {children}
      {form.invalid && (
        <p role="alert" className="form-error">
          Please correct the fields marked above.
        </p>
      )}
      <FormError error={mutations.find((m) => m.error)?.error} />
      {success && (
        <p role="status" className={successClassName}>
          {success}
        </p>
      )}
      <button type="submit" className={submitClassName} disabled={pending}>
        {pending && pendingLabel ? pendingLabel : submitLabel}
      </button>
    </form>
  );
}

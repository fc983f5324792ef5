/** Labelled controls: a `<label>`, the control, a hint and its validation message. */
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
} from 'react';

interface Labelled {
  label: string;
  name: string;
  error?: string;
  hint?: string;
}

/** What a control needs to be tied to its label and its messages (aria-describedby). */
interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** The one layout every field shares; `control` renders the input, select or textarea. */
function LabelledControl({
  label,
  name,
  error,
  hint,
  control,
}: Labelled & { control: (props: ControlProps) => ReactNode }) {
  const id = useId();
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({
        id,
        name,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
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

/** An input with its label and messages. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: Labelled & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <LabelledControl
      {...{ label, name, error, hint }}
      control={(props) => <input {...props} {...input} />}
    />
  );
}

/** A textarea with its label and messages. */
export function TextAreaField({
  label,
  name,
  error,
  hint,
  ...textarea
}: Labelled & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <LabelledControl
      {...{ label, name, error, hint }}
      control={(props) => <textarea {...props} {...textarea} />}
    />
  );
}

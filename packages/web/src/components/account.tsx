/** What the sign-in, sign-up, reset and account pages share: their fields and the way back. */
import type { ComponentProps } from 'react';
import { Field } from './fields.tsx';

/** A field's registration and message, as `useSchemaForm`'s `field(name)` gives them. */
type Registered = Omit<ComponentProps<typeof Field>, 'label'>;

export function EmailField(props: Registered) {
  return <Field label="Email" type="email" autoComplete="email" {...props} />;
}

/** The password rule the pool enforces, said before the shopper types. */
const PASSWORD_HINT = 'At least 8 characters with upper and lower case, a digit and a symbol.';

/** A password the user has (`current`) or chooses (`new`, with the rule as its hint). */
export function PasswordField({
  label = 'Password',
  kind,
  ...props
}: Registered & { label?: string; kind: 'current' | 'new' }) {
  return (
    <Field
      label={label}
      type="password"
      autoComplete={`${kind}-password`}
      hint={kind === 'new' ? PASSWORD_HINT : undefined}
      {...props}
    />
  );
}

/** First and last name, from a form that has both (`useSchemaForm`'s `field`). */
export function NameFields({ field }: { field: (name: 'firstName' | 'lastName') => Registered }) {
  return (
    <>
      <Field label="First name" autoComplete="given-name" {...field('firstName')} />
      <Field label="Last name" autoComplete="family-name" {...field('lastName')} />
    </>
  );
}

/**
 * No e-mail is sent by `pnpm local`: the codes a user would receive are printed in its terminal.
 * Shown by the dev server only (`import.meta.env.DEV`), never in a production build.
 */
export function LocalCodeHint() {
  if (!import.meta.env.DEV) return null;
  return (
    <p className="notice" data-testid="local-code-hint">
      In <code>pnpm local</code>, the code is printed in its terminal.
    </p>
  );
}

export interface Credentials {
  email: string;
  password: string;
}

/** Only relative paths, so `?next=` cannot send the user to another site. */
export const safeNext = (next: string | null) =>
  next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

/** The `?next=` to carry between sign-in and sign-up, so either returns to the page asked for. */
export const nextQuery = (next: string | null) =>
  next && safeNext(next) !== '/' ? `?next=${encodeURIComponent(safeNext(next))}` : '';

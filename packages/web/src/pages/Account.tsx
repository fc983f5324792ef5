import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  changePasswordInputSchema,
  confirmForgotPasswordInputSchema,
  confirmSignUpInputSchema,
  deleteMeInputSchema,
  forgotPasswordInputSchema,
  loginInputSchema,
  signUpInputSchema,
  updateMeInputSchema,
} from '@shop/core/browser';
import { leaveTo, session, useTRPC, type User } from '../api.ts';
import { Field, FormError, Loading, MutationForm, QueryError } from '../ui.tsx';
import { AddressForm, formatAddress } from '../components/address.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { schemaResolver, useSchemaForm } from '../components/forms.ts';
import { PageHeading } from '../components/Page.tsx';

/**
 * No e-mail is sent by `pnpm local`: the codes a user would receive are printed in its terminal.
 * Shown by the dev server only (`import.meta.env.DEV`), never in a production build.
 */
function LocalCodeHint() {
  if (!import.meta.env.DEV) return null;
  return (
    <p className="notice" data-testid="local-code-hint">
      In <code>pnpm local</code>, the code is printed in its terminal.
    </p>
  );
}

const PASSWORD_HINT = 'At least 8 characters with upper and lower case, a digit and a symbol.';

/** Only relative paths, so `?next=` cannot send the user to another site. */
const safeNext = (next: string | null) =>
  next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
/** The `?next=` to carry between sign-in and sign-up, so either returns to the page asked for. */
const nextQuery = (next: string | null) =>
  next && safeNext(next) !== '/' ? `?next=${encodeURIComponent(safeNext(next))}` : '';

interface Credentials {
  email: string;
  password: string;
}
const loginResolver = schemaResolver<Credentials>(loginInputSchema, (v) => v);

export function LoginPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const login = useMutation(
    trpc.users.login.mutationOptions({
      onSuccess: async (tokens) => {
        queryClient.clear();
        session.signIn(tokens);
        await navigate(safeNext(params.get('next')));
      },
    }),
  );
  const form = useSchemaForm(loginResolver, { email: '', password: '' }, login.error);
  return (
    <section className="narrow" aria-labelledby="login-heading">
      <PageHeading id="login-heading" title="Sign in" />
      {params.get('expired') && (
        <p role="status" className="notice">
          Your session ended. Please sign in again.
        </p>
      )}
      {params.get('reset') && (
        <p role="status" className="notice">
          Your password is changed. Sign in with the new one.
        </p>
      )}
      <MutationForm
        invalid={form.invalid}
        onSubmit={form.handleSubmit((v) => login.mutate(v))}
        error={login.error}
        pending={login.isPending}
        submitLabel={login.isPending ? 'Signing in…' : 'Sign in'}
      >
        <Field label="Email" type="email" autoComplete="email" {...form.field('email')} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          {...form.field('password')}
        />
      </MutationForm>
      <p>
        New here? <Link to={`/signup${nextQuery(params.get('next'))}`}>Create an account</Link> ·{' '}
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
    </section>
  );
}

interface SignUpValues extends Credentials {
  firstName: string;
  lastName: string;
}
const signUpResolver = schemaResolver<SignUpValues>(signUpInputSchema, (v) => v);

export function SignUpPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [credentials, setCredentials] = useState<Credentials | null>(null);
  const login = useMutation(
    trpc.users.login.mutationOptions({
      onSuccess: async (tokens) => {
        session.signIn(tokens);
        await navigate(safeNext(params.get('next')));
      },
    }),
  );
  const signUp = useMutation(
    trpc.users.signUp.mutationOptions({
      onSuccess: (result, input) => {
        const c = { email: input.email, password: input.password };
        setCredentials(c);
        if (!result.needsConfirmation) login.mutate(c);
      },
    }),
  );
  const form = useSchemaForm(
    signUpResolver,
    { firstName: '', lastName: '', email: '', password: '' },
    signUp.error,
  );

  if (signUp.data?.needsConfirmation && credentials) {
    return (
      <ConfirmSignUp
        credentials={credentials}
        onConfirmed={() => login.mutate(credentials)}
        login={login}
      />
    );
  }

  return (
    <section className="narrow" aria-labelledby="signup-heading">
      <PageHeading id="signup-heading" title="Create an account" />
      <MutationForm
        invalid={form.invalid}
        onSubmit={form.handleSubmit((v) => signUp.mutate(v))}
        error={signUp.error ?? login.error}
        pending={signUp.isPending || login.isPending}
        submitLabel={
          signUp.isPending || login.isPending ? 'Creating your account…' : 'Create account'
        }
      >
        <Field label="First name" autoComplete="given-name" {...form.field('firstName')} />
        <Field label="Last name" autoComplete="family-name" {...form.field('lastName')} />
        <Field label="Email" type="email" autoComplete="email" {...form.field('email')} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          {...form.field('password')}
        />
      </MutationForm>
      <p>
        Already have an account? <Link to={`/login${nextQuery(params.get('next'))}`}>Sign in</Link>
      </p>
    </section>
  );
}

/** The code step of a sign-up, when the pool asks for one; then signs in. */
function ConfirmSignUp({
  credentials,
  onConfirmed,
  login,
}: {
  credentials: Credentials;
  onConfirmed: () => void;
  login: { error: unknown; isPending: boolean };
}) {
  const trpc = useTRPC();
  const confirm = useMutation(trpc.users.confirmSignUp.mutationOptions({ onSuccess: onConfirmed }));
  const resolver = useMemo(
    () =>
      schemaResolver<{ code: string }>(confirmSignUpInputSchema, (v) => ({
        email: credentials.email,
        ...v,
      })),
    [credentials.email],
  );
  const form = useSchemaForm(resolver, { code: '' }, confirm.error);
  return (
    <section className="narrow" aria-labelledby="confirm-heading">
      <PageHeading id="confirm-heading" title="Confirm your email" />
      <p>We sent a code to {credentials.email}. Enter it to finish creating your account.</p>
      <LocalCodeHint />
      <MutationForm
        invalid={form.invalid}
        onSubmit={form.handleSubmit((v) =>
          confirm.mutate({ email: credentials.email, code: v.code }),
        )}
        error={confirm.error ?? login.error}
        pending={confirm.isPending || login.isPending}
        submitLabel="Confirm"
      >
        <Field
          label="Confirmation code"
          inputMode="numeric"
          autoComplete="one-time-code"
          {...form.field('code')}
        />
      </MutationForm>
    </section>
  );
}

const forgotResolver = schemaResolver<{ email: string }>(forgotPasswordInputSchema, (v) => v);

export function ResetPasswordPage() {
  const trpc = useTRPC();
  const [email, setEmail] = useState<string | null>(null);
  const request = useMutation(
    trpc.users.forgotPassword.mutationOptions({
      onSuccess: (_r, input) => setEmail(input.email),
    }),
  );
  const form = useSchemaForm(forgotResolver, { email: '' }, request.error);
  return (
    <section className="narrow" aria-labelledby="reset-heading">
      <PageHeading id="reset-heading" title="Reset your password" />
      {!email ? (
        <MutationForm
          invalid={form.invalid}
          onSubmit={form.handleSubmit((v) => request.mutate(v))}
          error={request.error}
          pending={request.isPending}
          submitLabel="Send me a code"
        >
          <Field label="Email" type="email" autoComplete="email" {...form.field('email')} />
        </MutationForm>
      ) : (
        <NewPasswordForm email={email} />
      )}
    </section>
  );
}

interface NewPasswordValues {
  code: string;
  newPassword: string;
}

/** The second step of a reset: the e-mailed code and the new password. */
function NewPasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const confirm = useMutation(
    trpc.users.confirmForgotPassword.mutationOptions({
      onSuccess: () => navigate('/login?reset=1'),
    }),
  );
  const resolver = useMemo(
    () =>
      schemaResolver<NewPasswordValues>(confirmForgotPasswordInputSchema, (v) => ({
        email,
        ...v,
      })),
    [email],
  );
  const form = useSchemaForm(resolver, { code: '', newPassword: '' }, confirm.error);
  return (
    <MutationForm
      invalid={form.invalid}
      onSubmit={form.handleSubmit((v) => confirm.mutate({ email, ...v }))}
      error={confirm.error}
      pending={confirm.isPending}
      submitLabel="Set new password"
    >
      <p role="status">If {email} has an account, we sent it a code.</p>
      <LocalCodeHint />
      <Field label="Code" autoComplete="one-time-code" {...form.field('code')} />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint={PASSWORD_HINT}
        {...form.field('newPassword')}
      />
    </MutationForm>
  );
}

/** Behind the route guard (App.tsx). */
export function AccountPage() {
  return (
    <div className="account">
      <PageHeading title="Your account" />
      <Profile />
      <Addresses />
      <ChangePassword />
      <DeleteAccount />
    </div>
  );
}

function Profile() {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  return (
    <section aria-labelledby="profile-heading" className="panel">
      <h2 id="profile-heading">Profile</h2>
      {me.isPending ? (
        <Loading />
      ) : me.isError ? (
        <QueryError error={me.error} />
      ) : (
        <ProfileForm user={me.data} />
      )}
    </section>
  );
}

interface NameValues {
  firstName: string;
  lastName: string;
}
const nameResolver = schemaResolver<NameValues>(updateMeInputSchema, (v) => v);

function ProfileForm({ user }: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.users.updateMe.mutationOptions({
      onSuccess: (saved) => queryClient.setQueryData(trpc.users.me.queryKey(), saved),
    }),
  );
  const form = useSchemaForm(
    nameResolver,
    { firstName: user.firstName, lastName: user.lastName },
    update.error,
  );
  return (
    <MutationForm
      invalid={form.invalid}
      onSubmit={form.handleSubmit((v) => update.mutate(v))}
      error={update.error}
      pending={update.isPending}
      success={update.isSuccess && 'Saved.'}
      submitLabel="Save profile"
    >
      <p>
        Email: <strong data-testid="me-email">{user.email}</strong>
      </p>
      <Field label="First name" autoComplete="given-name" {...form.field('firstName')} />
      <Field label="Last name" autoComplete="family-name" {...form.field('lastName')} />
    </MutationForm>
  );
}

function Addresses() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const addresses = useQuery(trpc.addresses.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const remove = useMutation(
    trpc.addresses.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.addresses.list.queryKey() }),
    }),
  );
  return (
    <section aria-labelledby="addresses-heading" className="panel">
      <h2 id="addresses-heading">Addresses</h2>
      {addresses.isPending ? (
        <Loading />
      ) : addresses.isError ? (
        <QueryError error={addresses.error} />
      ) : addresses.data.length === 0 ? (
        <p className="empty">No addresses yet: add one below, or at checkout.</p>
      ) : (
        <ul className="lines">
          {addresses.data.map((a) => (
            <li key={a.id} className="line">
              <span>
                {formatAddress(a)} {a.isDefault && <em>(default)</em>}
              </span>
              <ConfirmButton
                className="danger small"
                label={`Delete address ${formatAddress(a)}`}
                title="Delete this address?"
                description={formatAddress(a)}
                confirmLabel="Delete address"
                disabled={remove.isPending}
                onConfirm={() => remove.mutate({ id: a.id })}
              >
                Delete
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
      <FormError error={remove.error} />
      {adding ? (
        <AddressForm onCreated={() => setAdding(false)} onCancel={() => setAdding(false)} />
      ) : (
        <button type="button" className="secondary" onClick={() => setAdding(true)}>
          Add an address
        </button>
      )}
    </section>
  );
}

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
}
const changeResolver = schemaResolver<ChangePasswordValues>(changePasswordInputSchema, (v) => v);

function ChangePassword() {
  const trpc = useTRPC();
  const change = useMutation(trpc.users.changePassword.mutationOptions());
  const form = useSchemaForm(
    changeResolver,
    { currentPassword: '', newPassword: '' },
    change.error,
  );
  return (
    <section aria-labelledby="password-heading" className="panel">
      <h2 id="password-heading">Change password</h2>
      <MutationForm
        invalid={form.invalid}
        onSubmit={form.handleSubmit((v) =>
          change.mutate(v, {
            // Every session ended with the change; the answer is this one's new tokens.
            onSuccess: (tokens) => {
              session.signIn(tokens);
              form.reset();
            },
          }),
        )}
        error={change.error}
        pending={change.isPending}
        success={change.isSuccess && 'Password changed.'}
        submitLabel="Change password"
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          {...form.field('currentPassword')}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          {...form.field('newPassword')}
        />
      </MutationForm>
    </section>
  );
}

const deleteResolver = schemaResolver<{ password: string }>(deleteMeInputSchema, (v) => v);

function DeleteAccount() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.users.deleteMe.mutationOptions({
      onSuccess: () => {
        // The account, and so its refresh token, is gone: the session is forgotten locally only,
        // and the shopper lands on the catalogue, not on the sign-in page the guard offers.
        leaveTo('/');
        session.signOut();
        queryClient.clear();
      },
    }),
  );
  const form = useSchemaForm(deleteResolver, { password: '' }, remove.error);
  return (
    <section aria-labelledby="delete-heading" className="panel danger-zone">
      <h2 id="delete-heading">Delete account</h2>
      <p>This deletes your account and signs you out. It cannot be undone.</p>
      <MutationForm
        invalid={form.invalid}
        onSubmit={form.handleSubmit((v) => remove.mutate(v))}
        error={remove.error}
        pending={remove.isPending}
        submitLabel="Delete my account"
        submitClassName="danger"
      >
        <Field
          label="Password to confirm"
          type="password"
          autoComplete="current-password"
          {...form.field('password')}
        />
      </MutationForm>
    </section>
  );
}

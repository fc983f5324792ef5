import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fieldErrors, leaveTo, session, useTRPC } from '../api.ts';
import { Field, FormError, Loading, MutationForm, QueryError } from '../ui.tsx';
import { AddressForm, formatAddress } from '../components/address.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
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
  const errors = fieldErrors(login.error);
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
        onValues={(v) => login.mutate({ email: v.email ?? '', password: v.password ?? '' })}
        error={login.error}
        pending={login.isPending}
        submitLabel={login.isPending ? 'Signing in…' : 'Sign in'}
      >
        <Field label="Email" name="email" type="email" autoComplete="email" error={errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          error={errors.password}
        />
      </MutationForm>
      <p>
        New here? <Link to={`/signup${nextQuery(params.get('next'))}`}>Create an account</Link> ·{' '}
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);
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
  const confirm = useMutation(
    trpc.users.confirmSignUp.mutationOptions({
      onSuccess: () => credentials && login.mutate(credentials),
    }),
  );
  const errors = fieldErrors(signUp.error);
  const confirmErrors = fieldErrors(confirm.error);

  if (signUp.data?.needsConfirmation && credentials) {
    return (
      <section className="narrow" aria-labelledby="confirm-heading">
        <PageHeading id="confirm-heading" title="Confirm your email" />
        <p>We sent a code to {credentials.email}. Enter it to finish creating your account.</p>
        <LocalCodeHint />
        <MutationForm
          onValues={(v) => confirm.mutate({ email: credentials.email, code: v.code ?? '' })}
          error={confirm.error ?? login.error}
          pending={confirm.isPending || login.isPending}
          submitLabel="Confirm"
        >
          <Field
            label="Confirmation code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            error={confirmErrors.code}
          />
        </MutationForm>
      </section>
    );
  }

  return (
    <section className="narrow" aria-labelledby="signup-heading">
      <PageHeading id="signup-heading" title="Create an account" />
      <MutationForm
        onValues={(v) =>
          signUp.mutate({
            email: v.email ?? '',
            password: v.password ?? '',
            firstName: v.firstName ?? '',
            lastName: v.lastName ?? '',
          })
        }
        error={signUp.error ?? login.error}
        pending={signUp.isPending || login.isPending}
        submitLabel={
          signUp.isPending || login.isPending ? 'Creating your account…' : 'Create account'
        }
      >
        <Field
          label="First name"
          name="firstName"
          autoComplete="given-name"
          error={errors.firstName}
        />
        <Field
          label="Last name"
          name="lastName"
          autoComplete="family-name"
          error={errors.lastName}
        />
        <Field label="Email" name="email" type="email" autoComplete="email" error={errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          error={errors.password}
        />
      </MutationForm>
      <p>
        Already have an account? <Link to={`/login${nextQuery(params.get('next'))}`}>Sign in</Link>
      </p>
    </section>
  );
}

export function ResetPasswordPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [email, setEmail] = useState<string | null>(null);
  const request = useMutation(
    trpc.users.forgotPassword.mutationOptions({
      onSuccess: (_r, input) => setEmail(input.email),
    }),
  );
  const confirm = useMutation(
    trpc.users.confirmForgotPassword.mutationOptions({
      onSuccess: () => navigate('/login?reset=1'),
    }),
  );
  const requestErrors = fieldErrors(request.error);
  const confirmErrors = fieldErrors(confirm.error);
  return (
    <section className="narrow" aria-labelledby="reset-heading">
      <PageHeading id="reset-heading" title="Reset your password" />
      {!email ? (
        <MutationForm
          onValues={(v) => request.mutate({ email: v.email ?? '' })}
          error={request.error}
          pending={request.isPending}
          submitLabel="Send me a code"
        >
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            error={requestErrors.email}
          />
        </MutationForm>
      ) : (
        <MutationForm
          onValues={(v) =>
            confirm.mutate({ email, code: v.code ?? '', newPassword: v.newPassword ?? '' })
          }
          error={confirm.error}
          pending={confirm.isPending}
          submitLabel="Set new password"
        >
          <p role="status">If {email} has an account, we sent it a code.</p>
          <LocalCodeHint />
          <Field label="Code" name="code" autoComplete="one-time-code" error={confirmErrors.code} />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            hint={PASSWORD_HINT}
            error={confirmErrors.newPassword}
          />
        </MutationForm>
      )}
    </section>
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
  const queryClient = useQueryClient();
  const me = useQuery(trpc.users.me.queryOptions());
  const update = useMutation(
    trpc.users.updateMe.mutationOptions({
      onSuccess: (user) => queryClient.setQueryData(trpc.users.me.queryKey(), user),
    }),
  );
  const errors = fieldErrors(update.error);
  return (
    <section aria-labelledby="profile-heading" className="panel">
      <h2 id="profile-heading">Profile</h2>
      {me.isPending ? (
        <Loading />
      ) : me.isError ? (
        <QueryError error={me.error} />
      ) : (
        <MutationForm
          onValues={(v) => update.mutate({ firstName: v.firstName, lastName: v.lastName })}
          error={update.error}
          pending={update.isPending}
          success={update.isSuccess && 'Saved.'}
          submitLabel="Save profile"
        >
          <p>
            Email: <strong data-testid="me-email">{me.data.email}</strong>
          </p>
          <Field
            label="First name"
            name="firstName"
            defaultValue={me.data.firstName}
            autoComplete="given-name"
            error={errors.firstName}
          />
          <Field
            label="Last name"
            name="lastName"
            defaultValue={me.data.lastName}
            autoComplete="family-name"
            error={errors.lastName}
          />
        </MutationForm>
      )}
    </section>
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

function ChangePassword() {
  const trpc = useTRPC();
  const change = useMutation(trpc.users.changePassword.mutationOptions());
  const errors = fieldErrors(change.error);
  return (
    <section aria-labelledby="password-heading" className="panel">
      <h2 id="password-heading">Change password</h2>
      <MutationForm
        onValues={(v, form) =>
          change.mutate(
            { currentPassword: v.currentPassword ?? '', newPassword: v.newPassword ?? '' },
            {
              // Every session ended with the change; the answer is this one's new tokens.
              onSuccess: (tokens) => {
                session.signIn(tokens);
                form.reset();
              },
            },
          )
        }
        error={change.error}
        pending={change.isPending}
        success={change.isSuccess && 'Password changed.'}
        submitLabel="Change password"
      >
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          error={errors.newPassword}
        />
      </MutationForm>
    </section>
  );
}

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
  const errors = fieldErrors(remove.error);
  return (
    <section aria-labelledby="delete-heading" className="panel danger-zone">
      <h2 id="delete-heading">Delete account</h2>
      <p>This deletes your account and signs you out. It cannot be undone.</p>
      <MutationForm
        onValues={(v) => remove.mutate({ password: v.password ?? '' })}
        error={remove.error}
        pending={remove.isPending}
        submitLabel="Delete my account"
        submitClassName="danger"
      >
        <Field
          label="Password to confirm"
          name="password"
          type="password"
          autoComplete="current-password"
          error={errors.password}
        />
      </MutationForm>
    </section>
  );
}

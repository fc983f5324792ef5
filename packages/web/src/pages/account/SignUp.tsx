import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { confirmSignUpInputSchema, signUpInputSchema } from '@shop/core/browser';
import { session, useTRPC } from '../../api.ts';
import {
  EmailField,
  LocalCodeHint,
  NameFields,
  nextQuery,
  PasswordField,
  safeNext,
  type Credentials,
} from '../../components/account.tsx';
import { Field } from '../../components/fields.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';
import { PageHeading } from '../../components/Page.tsx';

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
        form={form}
        onValid={(v) => signUp.mutate(v)}
        sending={[signUp, login]}
        submitLabel="Create account"
        pendingLabel="Creating your account…"
      >
        <NameFields field={form.field} />
        <EmailField {...form.field('email')} />
        <PasswordField kind="new" {...form.field('password')} />
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
        form={form}
        onValid={(v) => confirm.mutate({ email: credentials.email, code: v.code })}
        sending={[confirm, login]}
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

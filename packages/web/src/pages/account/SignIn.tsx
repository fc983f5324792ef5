import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { loginInputSchema } from '@shop/core/browser';
import { session, useTRPC } from '../../api.ts';
import {
  EmailField,
  nextQuery,
  PasswordField,
  safeNext,
  type Credentials,
} from '../../components/account.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';
import { PageHeading } from '../../components/Page.tsx';

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
        form={form}
        onValid={(v) => login.mutate(v)}
        sending={login}
        submitLabel="Sign in"
        pendingLabel="Signing in…"
      >
        <EmailField {...form.field('email')} />
        <PasswordField kind="current" {...form.field('password')} />
      </MutationForm>
      <p>
        New here? <Link to={`/signup${nextQuery(params.get('next'))}`}>Create an account</Link> ·{' '}
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
    </section>
  );
}

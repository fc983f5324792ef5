import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { confirmForgotPasswordInputSchema, forgotPasswordInputSchema } from '@shop/core/browser';
import { useTRPC } from '../../api.ts';
import { EmailField, LocalCodeHint, PasswordField } from '../../components/account.tsx';
import { Field } from '../../components/fields.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';
import { PageHeading } from '../../components/Page.tsx';

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
          form={form}
          onValid={(v) => request.mutate(v)}
          sending={request}
          submitLabel="Send me a code"
        >
          <EmailField {...form.field('email')} />
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
      form={form}
      onValid={(v) => confirm.mutate({ email, ...v })}
      sending={confirm}
      submitLabel="Set new password"
    >
      <p role="status">If {email} has an account, we sent it a code.</p>
      <LocalCodeHint />
      <Field label="Code" autoComplete="one-time-code" {...form.field('code')} />
      <PasswordField label="New password" kind="new" {...form.field('newPassword')} />
    </MutationForm>
  );
}

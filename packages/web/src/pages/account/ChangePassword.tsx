import { useMutation } from '@tanstack/react-query';
import { changePasswordInputSchema } from '@shop/core/browser';
import { session, useTRPC } from '../../api.ts';
import { PasswordField } from '../../components/account.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
}
const changeResolver = schemaResolver<ChangePasswordValues>(changePasswordInputSchema, (v) => v);

export function ChangePassword() {
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
        form={form}
        onValid={(v) =>
          change.mutate(v, {
            // Every session ended with the change; the answer is this one's new tokens.
            onSuccess: (tokens) => {
              session.signIn(tokens);
              form.reset();
            },
          })
        }
        sending={change}
        success={change.isSuccess && 'Password changed.'}
        submitLabel="Change password"
      >
        <PasswordField label="Current password" kind="current" {...form.field('currentPassword')} />
        <PasswordField label="New password" kind="new" {...form.field('newPassword')} />
      </MutationForm>
    </section>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteMeInputSchema } from '@shop/core/browser';
import { leaveTo, session, useTRPC } from '../../api.ts';
import { PasswordField } from '../../components/account.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';

const deleteResolver = schemaResolver<{ password: string }>(deleteMeInputSchema, (v) => v);

export function DeleteAccount() {
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
        form={form}
        onValid={(v) => remove.mutate(v)}
        sending={remove}
        submitLabel="Delete my account"
        submitClassName="danger"
      >
        <PasswordField label="Password to confirm" kind="current" {...form.field('password')} />
      </MutationForm>
    </section>
  );
}

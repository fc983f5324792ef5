import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { updateMeInputSchema } from '@shop/core/browser';
import { useTRPC, type User } from '../../api.ts';
import { NameFields } from '../../components/account.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';
import { PageHeading } from '../../components/Page.tsx';
import { Loading, QueryError } from '../../ui.tsx';
import { Addresses } from './Addresses.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { DeleteAccount } from './DeleteAccount.tsx';

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
      form={form}
      onValid={(v) => update.mutate(v)}
      sending={update}
      success={update.isSuccess && 'Saved.'}
      submitLabel="Save profile"
    >
      <p>
        Email: <strong data-testid="me-email">{user.email}</strong>
      </p>
      <NameFields field={form.field} />
    </MutationForm>
  );
}

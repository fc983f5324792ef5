import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { cursorPaging, useAuth, useTRPC } from '../../api.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { ListView } from '../../components/ListView.tsx';
import { PageHeading } from '../../components/Page.tsx';
import { SearchForm } from '../../components/SearchForm.tsx';
import { FormError } from '../../ui.tsx';

/** Users, found by the start of their e-mail; admin rights granted or removed after asking. */
export function AdminUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The signed-in admin's own id (display only): the API refuses changing one's own admin right.
  const myId = useAuth().userId;
  const [params, setParams] = useSearchParams();
  const prefix = params.get('email')?.trim() || undefined;
  const users = useInfiniteQuery(
    trpc.users.adminList.infiniteQueryOptions(
      prefix ? { limit: 20, emailPrefix: prefix } : { limit: 20 },
      cursorPaging,
    ),
  );
  const setAdmin = useMutation(
    trpc.users.setAdmin.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.adminList.pathKey() }),
    }),
  );
  const changed = setAdmin.variables;
  const changedEmail = users.data?.pages
    .flatMap((p) => p.items)
    .find((u) => u.id === changed?.id)?.email;
  return (
    <section aria-labelledby="users-heading">
      <PageHeading id="users-heading" title="Users" />
      <FormError error={setAdmin.error} />
      {setAdmin.isSuccess && changed && (
        <p role="status" className="notice success">
          {changedEmail ?? 'The user'}{' '}
          {changed.isAdmin ? 'is now an administrator' : 'is no longer an administrator'}.
        </p>
      )}
      <SearchForm
        label="Find users by e-mail (its beginning)"
        value={prefix}
        onSearch={(text) => setParams(text ? { email: text } : {})}
      />
      <ListView
        query={users}
        empty={prefix ? `No user's e-mail starts with “${prefix}”.` : 'No users.'}
      >
        {(items) => (
          <ul className="lines" aria-label="Users">
            {items.map((u) => {
              // Shown as it will be while the change is under way (the list refetches after).
              const isAdmin =
                setAdmin.isPending && changed?.id === u.id ? changed.isAdmin : u.isAdmin;
              return (
                <li key={u.id} className="line">
                  <span>
                    {u.firstName} {u.lastName} · {u.email}
                    {u.id === myId && ' (you)'}
                  </span>
                  <span className="row">
                    {isAdmin && <span className="badge">Administrator</span>}
                    {u.id !== myId && (
                      <AdminRightsButton
                        email={u.email}
                        isAdmin={isAdmin}
                        pending={setAdmin.isPending}
                        onChange={() => setAdmin.mutate({ id: u.id, isAdmin: !isAdmin })}
                      />
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </ListView>
    </section>
  );
}

/** Grants or removes administrator rights, after asking. */
function AdminRightsButton({
  email,
  isAdmin,
  pending,
  onChange,
}: {
  email: string;
  isAdmin: boolean;
  pending: boolean;
  onChange: () => void;
}) {
  const action = isAdmin ? 'Remove admin' : 'Make admin';
  return (
    <ConfirmButton
      className={isAdmin ? 'danger small' : 'secondary small'}
      label={`${action}: ${email}`}
      title={isAdmin ? 'Remove administrator rights?' : 'Make this user an administrator?'}
      description={
        isAdmin
          ? `${email} will no longer manage products, orders or users.`
          : `${email} will manage products, orders and users, from their next sign-in.`
      }
      confirmLabel={action}
      disabled={pending}
      onConfirm={onChange}
    >
      {action}
    </ConfirmButton>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api.ts';
import { AddressForm, formatAddress } from '../../components/address.tsx';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { FormError, Loading, QueryError } from '../../ui.tsx';

/** The account's saved addresses: listed, deleted (after asking), added. */
export function Addresses() {
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

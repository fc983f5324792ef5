import { useQuery } from '@tanstack/react-query';
import { useId, type ComponentProps } from 'react';
import { useTRPC } from '../../api.ts';
import { Field } from '../../components/fields.tsx';

/** Case and accents aside, as the API matches categories ("Kitchen" joins "kitchen"). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/**
 * A product's category: the existing ones offered as the admin types, and a hint when the typed
 * one will file under an existing one spelled otherwise.
 */
export function CategoryField({
  typed,
  ...registered
}: Omit<ComponentProps<typeof Field>, 'label'> & { typed: string }) {
  const trpc = useTRPC();
  const categories = useQuery(trpc.products.categories.queryOptions());
  const listId = useId();
  const existing = categories.data?.find(
    (c) => fold(c.category) === fold(typed) && c.category !== typed.trim(),
  );
  return (
    <>
      <Field
        label="Category"
        list={listId}
        autoComplete="off"
        hint={
          existing
            ? `Files under the existing category “${existing.category}”.`
            : 'Pick an existing category or type a new one.'
        }
        {...registered}
      />
      <datalist id={listId}>
        {categories.data?.map((c) => (
          <option key={c.category} value={c.category} />
        ))}
      </datalist>
    </>
  );
}

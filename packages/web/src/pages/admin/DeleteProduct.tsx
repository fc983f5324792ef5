import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTRPC, type Product } from '../../api.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { FormError } from '../../ui.tsx';

/** Deletes the product after asking, then returns to the list, which says so. */
export function DeleteProduct({ product }: { product: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        await navigate(`/admin/products?deleted=${encodeURIComponent(product.name)}`);
      },
    }),
  );
  return (
    <div className="panel danger-zone">
      <FormError error={remove.error} />
      <ConfirmButton
        title={`Delete ${product.name}?`}
        description="The product leaves the catalogue. Orders already placed keep their lines."
        confirmLabel="Delete product"
        disabled={remove.isPending}
        onConfirm={() => remove.mutate({ id: product.id })}
      >
        Delete product
      </ConfirmButton>
    </div>
  );
}

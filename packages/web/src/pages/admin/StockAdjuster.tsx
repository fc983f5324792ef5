import { useMutation } from '@tanstack/react-query';
import { adjustStockInputSchema } from '@shop/core/browser';
import { useTRPC, type Product } from '../../api.ts';
import { Field } from '../../components/fields.tsx';
import { schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';

// The id is checked by the API; here any placeholder passes its rule. An empty field is no number.
const stockResolver = schemaResolver<{ delta: string }>(adjustStockInputSchema, (v) => ({
  id: 'x',
  delta: v.delta.trim() === '' ? Number.NaN : Number(v.delta),
}));

/** Goods received or written off: the stock moves by the number given. */
export function StockAdjuster({
  product,
  onAdjusted,
}: {
  product: Product;
  onAdjusted: (p: Product) => Promise<void>;
}) {
  const trpc = useTRPC();
  const adjust = useMutation(trpc.products.adjustStock.mutationOptions({ onSuccess: onAdjusted }));
  const form = useSchemaForm(stockResolver, { delta: '' }, adjust.error);
  return (
    <MutationForm
      className="panel stack"
      aria-labelledby="stock-heading"
      form={form}
      onValid={(v) =>
        adjust.mutate({ id: product.id, delta: Number(v.delta) }, { onSuccess: () => form.reset() })
      }
      sending={adjust}
      success={adjust.isSuccess && `Stock updated: ${adjust.data.stock} in stock.`}
      submitLabel="Adjust stock"
    >
      <h2 id="stock-heading">Stock</h2>
      <p>
        In stock: <strong data-testid="stock">{product.stock}</strong>
      </p>
      <Field
        label="Adjust by"
        type="number"
        hint="Positive to receive goods, negative to write off."
        {...form.field('delta')}
      />
    </MutationForm>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { createProductInputSchema, updateProductInputSchema } from '@shop/core/browser';
import { useTRPC, type Product } from '../../api.ts';
import { Field, TextAreaField } from '../../components/fields.tsx';
import { parseMoney, schemaResolver, useSchemaForm } from '../../components/forms.ts';
import { MutationForm } from '../../components/MutationForm.tsx';
import { PageHeading } from '../../components/Page.tsx';
import { ProductImage } from '../../components/ProductImage.tsx';
import { Loading, QueryError } from '../../ui.tsx';
import { CategoryField } from './CategoryField.tsx';
import { DeleteProduct } from './DeleteProduct.tsx';
import { StockAdjuster } from './StockAdjuster.tsx';

/** A new product (`/admin/products/new`) or an existing one (`/admin/products/:id`). */
export function ProductEditor() {
  const { id } = useParams();
  const trpc = useTRPC();
  const product = useQuery({
    ...trpc.products.byId.queryOptions({ id: id ?? '' }),
    enabled: Boolean(id),
  });
  if (id && product.isPending) return <Loading />;
  if (id && product.isError) {
    return (
      <section>
        <PageHeading title="Edit product" />
        <QueryError error={product.error} />
        <p>
          <Link to="/admin/products">All products</Link>
        </p>
      </section>
    );
  }
  return <ProductForm key={id ?? 'new'} product={id ? product.data : undefined} />;
}

interface ProductValues {
  name: string;
  description: string;
  category: string;
  price: string;
  imageUrl: string;
  stock: string;
}

const productFields = (v: ProductValues) => ({
  name: v.name,
  description: v.description,
  category: v.category.trim(),
  price: parseMoney(v.price),
  imageUrl: v.imageUrl.trim() ? v.imageUrl.trim() : null,
});
const PRICE_MESSAGE = { price: 'Enter a price such as 34.50 or $34.50.' };
const createResolver = schemaResolver<ProductValues>(
  createProductInputSchema,
  (v) => ({ ...productFields(v), stock: v.stock.trim() === '' ? Number.NaN : Number(v.stock) }),
  PRICE_MESSAGE,
);
// The id is checked by the API; here any placeholder passes its rule.
const updateResolver = schemaResolver<ProductValues>(
  updateProductInputSchema,
  (v) => ({ id: 'x', ...productFields(v) }),
  PRICE_MESSAGE,
);

function ProductForm({ product }: { product?: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const refresh = async (p: Product) => {
    queryClient.setQueryData(trpc.products.byId.queryKey({ id: p.id }), p);
    await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
  };
  const create = useMutation(
    trpc.products.create.mutationOptions({
      onSuccess: async (p) => {
        await refresh(p);
        await navigate(`/admin/products/${p.id}?created=1`);
      },
    }),
  );
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess: refresh }));
  const save = product ? update : create;
  const form = useSchemaForm(
    product ? updateResolver : createResolver,
    {
      name: product?.name ?? '',
      description: product?.description ?? '',
      category: product?.category ?? '',
      price: product ? (product.price / 100).toFixed(2) : '',
      imageUrl: product?.imageUrl ?? '',
      stock: '0',
    },
    save.error,
  );
  const submit = (v: ProductValues) => {
    if (product) update.mutate({ id: product.id, ...productFields(v) });
    else create.mutate({ ...productFields(v), stock: Number(v.stock) });
  };

  return (
    <section aria-labelledby="product-form-heading" className="narrow">
      <PageHeading
        id="product-form-heading"
        title={product ? `Edit ${product.name}` : 'New product'}
      />
      {product && params.get('created') && !update.isSuccess && (
        <p role="status" className="notice success">
          Created {product.name}.
        </p>
      )}
      <MutationForm
        aria-label={product ? 'Product' : 'New product'}
        form={form}
        onValid={submit}
        sending={save}
        success={update.isSuccess && 'Saved.'}
        successClassName="notice success"
        submitLabel={product ? 'Save product' : 'Create product'}
        submitClassName="primary"
      >
        <Field label="Name" {...form.field('name')} />
        <TextAreaField label="Description" rows={4} {...form.field('description')} />
        <CategoryField typed={form.watch('category')} {...form.field('category')} />
        <Field
          label="Price (USD)"
          inputMode="decimal"
          hint="For example 34.50 or $34.50"
          {...form.field('price')}
        />
        <Field
          label="Image URL"
          type="url"
          hint="An https address; leave empty for the placeholder."
          {...form.field('imageUrl')}
        />
        <figure className="image-preview">
          <ProductImage
            name={form.watch('name') || 'New product'}
            imageUrl={form.watch('imageUrl').trim() || null}
            size="card"
          />
          <figcaption>Preview</figcaption>
        </figure>
        {!product && <Field label="Initial stock" type="number" min={0} {...form.field('stock')} />}
      </MutationForm>
      {product && <StockAdjuster product={product} onAdjusted={refresh} />}
      {product && <DeleteProduct product={product} />}
    </section>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useForm } from 'react-hook-form';
import { countryCodes, createAddressInputSchema } from '@shop/core/browser';
import { fieldErrors, useTRPC, type Address } from '../api.ts';
import { FormError } from '../ui.tsx';
import { Field } from './fields.tsx';
import { messageOf, schemaResolver } from './forms.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** A country's name in English ("US" → "United States"), or its code if the browser has none. */
export const countryName = (code: string) => regionNames.of(code) ?? code;

export const formatAddress = (a: Omit<Address, 'id' | 'userId' | 'isDefault'>) =>
  [a.recipientName, a.street, a.city, a.state, a.zipCode, countryName(a.country)]
    .filter(Boolean)
    .join(', ');

/** Every ISO 3166-1 code the API accepts, chosen by name. */
function CountrySelect({ error, ...props }: React.ComponentProps<'select'> & { error?: string }) {
  const options = useMemo(
    () =>
      [...countryCodes]
        .map((code) => ({ code, name: countryName(code) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en')),
    [],
  );
  return (
    <div className="field">
      <label htmlFor="country">Country</label>
      <select
        id="country"
        autoComplete="country"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'country-message' : undefined}
        {...props}
      >
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.name}
          </option>
        ))}
      </select>
      {error && (
        <small id="country-message" className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

interface AddressValues {
  recipientName: string;
  street: string;
  city: string;
  state: string;
  zipCode: string;
  country: string;
  isDefault: boolean;
}

// An empty recipient is left out: the API then uses the account's name.
const toInput = ({ recipientName, ...rest }: AddressValues) =>
  recipientName.trim() ? { recipientName, ...rest } : rest;
const resolver = schemaResolver<AddressValues>(createAddressInputSchema, toInput);

/** A new address, checked with the API's own rules before it is sent. */
export function AddressForm({
  onCreated,
  onCancel,
}: {
  onCreated: (address: Address) => void;
  onCancel?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.addresses.create.mutationOptions({
      onSuccess: async (address) => {
        await queryClient.invalidateQueries({ queryKey: trpc.addresses.list.queryKey() });
        onCreated(address);
      },
    }),
  );
  const { register, handleSubmit, formState } = useForm<AddressValues>({
    resolver,
    defaultValues: {
      recipientName: '',
      street: '',
      city: '',
      state: '',
      zipCode: '',
      country: 'US',
      isDefault: false,
    },
  });
  const server = fieldErrors(create.error);
  const message = (name: keyof AddressValues) => messageOf(formState.errors, server, name);
  return (
    <form
      aria-label="New address"
      className="stack"
      noValidate
      onSubmit={(e) => void handleSubmit((v) => create.mutate(toInput(v)))(e)}
    >
      <Field
        label="Recipient name"
        autoComplete="name"
        hint="Who the parcel is for. Leave empty to use your own name."
        error={message('recipientName')}
        {...register('recipientName')}
      />
      <Field
        label="Street"
        autoComplete="street-address"
        error={message('street')}
        {...register('street')}
      />
      <Field
        label="City"
        autoComplete="address-level2"
        error={message('city')}
        {...register('city')}
      />
      <Field
        label="State or region"
        autoComplete="address-level1"
        hint="Leave empty if your country has none."
        error={message('state')}
        {...register('state')}
      />
      <Field
        label="Postal code"
        autoComplete="postal-code"
        error={message('zipCode')}
        {...register('zipCode')}
      />
      <CountrySelect error={message('country')} {...register('country')} />
      <label className="choice">
        <input type="checkbox" {...register('isDefault')} /> Make this my default address
      </label>
      <FormError error={create.error} />
      <div className="row">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Saving…' : 'Save address'}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

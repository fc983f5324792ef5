/** The shipping address tests and the bench give a shopper (an `addresses.create` input). */
export const DEMO_ADDRESS = {
  recipientName: 'Ada Lovelace',
  street: '1 Infinite Loop',
  city: 'Cupertino',
  state: 'CA',
  zipCode: '95014',
  country: 'US',
} as const;

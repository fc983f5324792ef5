/**
 * Status lines every page shares: loading, empty, a failed query or mutation. The form pieces
 * live in components/ (fields.tsx, MutationForm.tsx): only lazy pages load them.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage, retryFailed } from './api.ts';

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {errorMessage(error)}
    </p>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="muted">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** The cart and checkout with nothing in the cart. */
export function EmptyCart() {
  return (
    <Empty>
      <p className="empty-title">Your cart is empty.</p>
      <p>
        <Link className="button" to="/">
          Browse the catalogue
        </Link>
      </p>
    </Empty>
  );
}

/**
 * A failed query, said in plain words, with "Try again": it fetches every failed query on the
 * page again (the list, the categories beside it…), so the page recovers without a reload.
 */
export function QueryError({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="error-state">
      <p className="error-title">{title ?? 'This did not load.'}</p>
      <p>{errorMessage(error)}</p>
      <button type="button" onClick={() => void retryFailed()}>
        Try again
      </button>
    </div>
  );
}

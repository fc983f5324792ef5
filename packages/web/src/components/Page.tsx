/** A page's `<h1>`: names the tab (`<title>`) and takes the focus after an in-app navigation. */
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

export function PageHeading({
  title,
  children,
  id,
}: {
  /** The document title's first part ("Your cart" → "Your cart · Shop"). */
  title: string;
  children?: ReactNode;
  id?: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  // The page a visit opens on (key "default") keeps the browser's own focus.
  const { key } = useLocation();
  useEffect(() => {
    document.title = `${title} · Shop`;
  }, [title]);
  useEffect(() => {
    if (key !== 'default') ref.current?.focus();
  }, [key]);
  return (
    <h1 id={id} ref={ref} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}

/** A page that is not there: what happened, in plain words, and the way back. */
export function NotFound({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="not-found">
      <PageHeading title={title} />
      <p>{children}</p>
      <p>
        <Link className="button" to="/">
          Back to the catalogue
        </Link>
      </p>
    </section>
  );
}

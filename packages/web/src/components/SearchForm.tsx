import { useId, useState } from 'react';

/** The admin lists' search box: `onSearch` gets the trimmed text ('' to list everything). */
export function SearchForm({
  label,
  value,
  onSearch,
}: {
  label: string;
  value: string | undefined;
  onSearch: (text: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value ?? '');
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft.trim());
      }}
    >
      <label htmlFor={id}>{label}</label>
      <div className="row nowrap">
        <input id={id} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

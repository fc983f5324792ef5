import { useState } from 'react';

/**
 * The local seed files its pictures under `https://localhost/images/…` (the contract wants https):
 * the web app ships them, so they load from its own origin, online or not.
 */
export function productImageSrc(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.hostname === 'localhost' && parsed.pathname.startsWith('/images/')) {
      return parsed.pathname;
    }
  } catch {
    // Not a URL: the placeholder shows when it fails to load.
  }
  return url;
}

/** A product's picture, or a designed placeholder when it has none or it fails to load. */
export function ProductImage({
  name,
  imageUrl,
  size = 'card',
  eager = size === 'large',
}: {
  name: string;
  imageUrl: string | null;
  size?: 'card' | 'large' | 'thumb';
  /** Above the fold: load at once (the largest contentful paint). */
  eager?: boolean;
}) {
  const [failed, setFailed] = useState<string | null>(null);
  const [width, height] = size === 'large' ? [480, 360] : size === 'thumb' ? [96, 72] : [240, 180];
  if (!imageUrl || failed === imageUrl) {
    return (
      <span
        className={`product-image placeholder size-${size}`}
        role={size === 'large' ? 'img' : undefined}
        aria-label={size === 'large' ? `${name} (no picture)` : undefined}
        aria-hidden={size === 'large' ? undefined : true}
        data-testid="image-placeholder"
      >
        <svg viewBox="0 0 48 36" aria-hidden="true" focusable="false">
          <rect
            x="6"
            y="6"
            width="36"
            height="24"
            rx="3"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          />
          <circle cx="17" cy="14" r="3" fill="currentColor" />
          <path d="M8 28l10-9 7 6 5-4 10 7" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span>{name.slice(0, 1)}</span>
      </span>
    );
  }
  return (
    <img
      src={productImageSrc(imageUrl)}
      // Beside a name the picture is decoration; alone (the product page) it is described.
      alt={size === 'large' ? name : ''}
      width={width}
      height={height}
      loading={eager ? 'eager' : 'lazy'}
      fetchPriority={eager ? 'high' : 'auto'}
      decoding="async"
      className={`product-image size-${size}`}
      onError={() => setFailed(imageUrl)}
    />
  );
}

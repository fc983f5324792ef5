/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's function URL (default `http://127.0.0.1:3000`, `pnpm local`). */
  readonly VITE_API_URL?: string;
  readonly VITE_USER_POOL_ID?: string;
  readonly VITE_USER_POOL_CLIENT_ID?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

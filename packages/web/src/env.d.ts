/// <reference types="vite/client" />

// Set by stacks/Web.ts when deployed; `pnpm local` sets VITE_API_URL (default in src/api.ts).
interface ImportMetaEnv {
  readonly VITE_API_URL: string;
  readonly VITE_USER_POOL_ID: string;
  readonly VITE_USER_POOL_CLIENT_ID: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

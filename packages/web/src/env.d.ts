/// <reference types="vite/client" />

// Set by stacks/Edge.ts (`/api` deployed; `sst bind` gives the dev stage's URL under `sst dev`).
interface ImportMetaEnv {
  readonly VITE_API_URL: string;
  readonly VITE_USER_POOL_ID: string;
  readonly VITE_USER_POOL_CLIENT_ID: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

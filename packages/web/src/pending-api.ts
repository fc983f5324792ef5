/**
 * Procedures another engineer is adding to the router right now (users.forgotPassword,
 * confirmForgotPassword, changePassword, deleteMe, adminList, setAdmin). They are not yet in
 * @shop/client's generated `AppRouter`, so they are typed here by hand, from their agreed contract,
 * and called through the same client (same session, refresh and batching). Once the router has
 * them, delete this module and use `trpc.users.*` directly: nothing else needs to change.
 */
import { trpcClient, type User } from './api.ts';

export type AdminUser = User & { isAdmin: boolean };
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Mutation<I, O> = { mutate(input: I): Promise<O> };
type Query<I, O> = { query(input: I): Promise<O> };
interface PendingUsers {
  forgotPassword: Mutation<{ email: string }, { ok: true }>;
  confirmForgotPassword: Mutation<
    { email: string; code: string; newPassword: string },
    { ok: true }
  >;
  changePassword: Mutation<{ currentPassword: string; newPassword: string }, { ok: true }>;
  deleteMe: Mutation<{ password: string }, { ok: true }>;
  adminList: Query<{ limit?: number; cursor?: string }, Page<AdminUser>>;
  setAdmin: Mutation<{ id: string; isAdmin: boolean }, AdminUser>;
}

// The client is a proxy: any path becomes a call to that procedure.
const users = (trpcClient as unknown as { users: PendingUsers }).users;

export const pendingApi = {
  forgotPassword: (input: { email: string }) => users.forgotPassword.mutate(input),
  confirmForgotPassword: (input: { email: string; code: string; newPassword: string }) =>
    users.confirmForgotPassword.mutate(input),
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    users.changePassword.mutate(input),
  deleteMe: (input: { password: string }) => users.deleteMe.mutate(input),
  adminListUsers: (input: { limit?: number; cursor?: string }) => users.adminList.query(input),
  setAdmin: (input: { id: string; isAdmin: boolean }) => users.setAdmin.mutate(input),
};

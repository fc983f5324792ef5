/** Who is asking: the verified user behind a request. */
export interface Actor {
  id: string;
  isAdmin: boolean;
}

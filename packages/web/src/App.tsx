import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Link, NavLink, Route, Routes, useNavigate } from 'react-router';
import { onSessionEnd, queryClient, signOut, TRPCProvider, trpcClient, useAuth } from './api.ts';
import { cartCount, useCart } from './cart.ts';
import { AccountPage, LoginPage, ResetPasswordPage, SignUpPage } from './pages/Account.tsx';
import { CartPage } from './pages/Cart.tsx';
import { Catalogue } from './pages/Catalogue.tsx';
import { CheckoutPage } from './pages/Checkout.tsx';
import { OrderPage, OrdersPage } from './pages/Orders.tsx';
import { ProductPage } from './pages/Product.tsx';
import { Loading } from './ui.tsx';

const AdminRoutes = lazy(() => import('./pages/Admin.tsx'));

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <BrowserRouter>
          <Shell />
        </BrowserRouter>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

function RequireSignIn({ children, next }: { children: React.ReactNode; next: string }) {
  const { signedIn } = useAuth();
  if (!signedIn) return <LoginPage key={next} />;
  return children;
}

function Shell() {
  const navigate = useNavigate();
  const { signedIn, isAdmin } = useAuth();
  const count = cartCount(useCart());

  useEffect(() => {
    // The refresh token was refused (revoked, expired): the session is over.
    onSessionEnd((reason) => {
      if (reason !== 'refreshRefused') return;
      queryClient.clear();
      void navigate('/login?expired=1');
    });
  }, [navigate]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Shop
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Catalogue
              </NavLink>
            </li>
            <li>
              <NavLink to="/cart">
                Cart{' '}
                <span className="pill" aria-label={`${count} items`}>
                  {count}
                </span>
              </NavLink>
            </li>
            {signedIn && (
              <li>
                <NavLink to="/orders">Orders</NavLink>
              </li>
            )}
            {isAdmin && (
              <li>
                <NavLink to="/admin">Admin</NavLink>
              </li>
            )}
            {signedIn ? (
              <>
                <li>
                  <NavLink to="/account">Account</NavLink>
                </li>
                <li>
                  <button
                    type="button"
                    className="link"
                    onClick={() => void signOut().then(() => navigate('/'))}
                  >
                    Sign out
                  </button>
                </li>
              </>
            ) : (
              <li>
                <NavLink to="/login">Sign in</NavLink>
              </li>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Catalogue />} />
            <Route path="/products/:id" element={<ProductPage />} />
            <Route path="/cart" element={<CartPage />} />
            <Route
              path="/checkout"
              element={
                <RequireSignIn next="/checkout">
                  <CheckoutPage />
                </RequireSignIn>
              }
            />
            <Route
              path="/orders"
              element={
                <RequireSignIn next="/orders">
                  <OrdersPage />
                </RequireSignIn>
              }
            />
            <Route
              path="/orders/:id"
              element={
                <RequireSignIn next="/orders">
                  <OrderPage />
                </RequireSignIn>
              }
            />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/admin/*" element={<AdminRoutes />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the catalogue</Link>
      </p>
    </section>
  );
}

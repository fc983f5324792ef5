import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import {
  BrowserRouter,
  Link,
  Navigate,
  NavLink,
  Route,
  Routes,
  useLocation,
  useNavigate,
} from 'react-router';
import {
  leavingPath,
  onSessionEnd,
  queryClient,
  signOut,
  TRPCProvider,
  trpcClient,
  useAuth,
} from './api.ts';
import { cartCount, useCart } from './cart.ts';
import { NotFound, PageHeading } from './components/Page.tsx';
import { CartPage } from './pages/Cart.tsx';
import { Catalogue } from './pages/Catalogue.tsx';
import { ProductPage } from './pages/Product.tsx';
import { Loading } from './ui.tsx';

// Pages a first visit rarely needs load on demand: the catalogue's JavaScript stays small.
const AdminRoutes = lazy(() => import('./pages/Admin.tsx'));
const CheckoutPage = lazy(() =>
  import('./pages/Checkout.tsx').then((m) => ({ default: m.CheckoutPage })),
);
const OrdersPage = lazy(() =>
  import('./pages/Orders.tsx').then((m) => ({ default: m.OrdersPage })),
);
const OrderPage = lazy(() => import('./pages/Orders.tsx').then((m) => ({ default: m.OrderPage })));
const account = () => import('./pages/Account.tsx');
const LoginPage = lazy(() => account().then((m) => ({ default: m.LoginPage })));
const SignUpPage = lazy(() => account().then((m) => ({ default: m.SignUpPage })));
const ResetPasswordPage = lazy(() => account().then((m) => ({ default: m.ResetPasswordPage })));
const AccountPage = lazy(() => account().then((m) => ({ default: m.AccountPage })));

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

/**
 * The one route guard: signed out, it sends to sign-in with the page asked for in `?next=`, and
 * sign-in (or sign-up) comes back to it.
 */
export function RequireSignIn({ children, admin }: { children: React.ReactNode; admin?: boolean }) {
  const { signedIn, isAdmin } = useAuth();
  const location = useLocation();
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={leavingPath() ?? `/login?next=${next}`} replace />;
  }
  if (admin && !isAdmin) {
    return (
      <section>
        <PageHeading title="Administrators only" />
        <p>This area is for the shop&rsquo;s administrators.</p>
        <p>
          <Link to="/">Back to the catalogue</Link>
        </p>
      </section>
    );
  }
  return children;
}

function Shell() {
  const navigate = useNavigate();
  const location = useLocation();
  const { signedIn, isAdmin } = useAuth();
  const count = cartCount(useCart());
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    // The refresh token was refused (revoked, expired): the session is over.
    onSessionEnd((reason) => {
      if (reason !== 'refreshRefused') return;
      queryClient.clear();
      void navigate('/login?expired=1');
    });
  }, [navigate]);
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Shop
        </Link>
        <nav aria-label="Main" className="main-nav">
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <ul id="main-menu" className={menuOpen ? 'open' : undefined}>
            <li>
              <NavLink to="/" end>
                Catalogue
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
        <NavLink to="/cart" className="cart-link">
          Cart{' '}
          <span className="pill" aria-label={`${count} items`}>
            {count}
          </span>
        </NavLink>
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
                <RequireSignIn>
                  <CheckoutPage />
                </RequireSignIn>
              }
            />
            <Route
              path="/orders"
              element={
                <RequireSignIn>
                  <OrdersPage />
                </RequireSignIn>
              }
            />
            <Route
              path="/orders/:id"
              element={
                <RequireSignIn>
                  <OrderPage />
                </RequireSignIn>
              }
            />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route
              path="/account"
              element={
                <RequireSignIn>
                  <AccountPage />
                </RequireSignIn>
              }
            />
            <Route
              path="/admin/*"
              element={
                <RequireSignIn admin>
                  <AdminRoutes />
                </RequireSignIn>
              }
            />
            <Route path="*" element={<PageNotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

function PageNotFound() {
  return (
    <NotFound title="Page not found">
      There is no page at this address. It may have moved, or the link may be mistyped.
    </NotFound>
  );
}

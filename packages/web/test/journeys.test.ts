import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSession, createShopClient, type SessionTokens, type ShopClient } from '@shop/client';
import { freePort, LOCAL_ADMIN, startLocal, type RunningLocal } from '@shop/testing';
import {
  BUDGETS,
  measureWebBudget,
  startStaticServer,
  type StaticServer,
} from '../scripts/budget.ts';
import { launch, screenshot, seriousA11yViolations, watchedPage, type Watched } from './browser.ts';

/**
 * The web app in Debian's Chromium against `pnpm local` (API + the Vite dev server it starts),
 * cross-origin as deployed. Access tokens live 5 s, so every journey also runs on refreshed tokens.
 */
const PASSWORD = 'Sh0pper-pass!';
const NEW_PASSWORD = 'N3w-Sh0pper-pass!';
const TOKEN_TTL_SECONDS = 5;

let local: RunningLocal;
let apiUrl: string;
let webUrl: string;
let browser: Browser;
/** Held from the start: a port only looked up here was taken by the time the budget ran. */
let budgetServer: StaticServer;

/** Waits for `pnpm local` to print `Web ready at …`. */
async function webReady(running: RunningLocal): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = /Web ready at (\S+)/.exec(running.output());
    if (match?.[1]) return match[1];
    if (running.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`no web app:\n${running.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const [apiPort, webPort] = [await freePort(), await freePort()];
  budgetServer = await startStaticServer();
  // Free ports (the machine is shared), so the web origins are named explicitly.
  const origins = [`http://localhost:${webPort}`, `http://127.0.0.1:${webPort}`];
  local = await startLocal(['--port', String(apiPort), '--web-port', String(webPort)], {
    SHOP_ADMIN_EMAIL: LOCAL_ADMIN.email,
    SHOP_ADMIN_PASSWORD: LOCAL_ADMIN.password,
    SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
    SHOP_CORS_ORIGINS: origins.join(','),
  });
  apiUrl = local.url;
  webUrl = await webReady(local);
  expect(local.output()).toContain(`Web ready at ${webUrl}`);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await budgetServer?.close();
  if (local?.proc.exitCode === null && local.proc.pid) await local.interrupt();
});

/** The seeded pictures ship with the web app: no request leaves the machine. */
const PHONE = { width: 390, height: 844 };
async function newContext(viewport = { width: 1100, height: 800 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, baseURL: webUrl });
}

/** Every page a journey visits: no serious or critical axe violation, and a screenshot. */
async function check(w: Watched, name?: string) {
  await w.page.waitForLoadState('networkidle');
  expect(await seriousA11yViolations(w.page), `a11y of ${w.page.url()}`).toEqual([]);
  if (name) await screenshot(w.page, name);
}

const anonymous = () => createShopClient({ url: apiUrl });
/** A client signed in with the refresh token the page keeps (the session's localStorage entry). */
async function pageClient(page: Page): Promise<ShopClient> {
  const raw = await page.evaluate(() => localStorage.getItem('shop.session'));
  const session = createSession();
  session.signIn({ ...(JSON.parse(raw ?? '{}') as SessionTokens), expiresAt: 0 });
  return createShopClient({ url: apiUrl, session });
}

/** Fills and sends the sign-up form the page shows. */
async function fillSignUp(page: Page, email: string, lastName = 'Shopper') {
  await page.getByLabel('First name').fill('Sam');
  await page.getByLabel('Last name').fill(lastName);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function signUpInBrowser(page: Page, email: string) {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(page, email);
  await page.getByRole('link', { name: 'Account' }).waitFor();
}

/** A fresh browser context with a shopper signed up through the page (`<prefix>-…@example.com`). */
async function newShopper(prefix: string) {
  const context = await newContext();
  const w = await watchedPage(context);
  const email = `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
  await signUpInBrowser(w.page, email);
  return { context, w, page: w.page, email };
}

/** Fills and sends the sign-in form the page shows. */
async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signInInBrowser(page: Page, email: string, password: string) {
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * A sign-in the API refuses: the form shows the message and the user stays signed out. Chromium
 * logs the refused request itself as a console error; that one line (and only it) is expected.
 */
async function signInRefused(w: Watched, email: string, password: string) {
  const { page } = w;
  const before = w.errors.length;
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  const added = w.errors.splice(before);
  expect(
    added.every((e) => /Failed to load resource: .* status of 4\d\d/.test(e)),
    added.join('\n'),
  ).toBe(true);
}

/** The code `pnpm local` printed for this address (`[local] ForgotPassword code for <email>: <code>`). */
async function printedCode(email: string): Promise<string> {
  const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`ForgotPassword code for ${escaped}: (\\S+)`, 'g');
  let code: string | undefined;
  await expect
    .poll(
      () => {
        code = [...local.output().matchAll(pattern)].at(-1)?.[1];
        return code;
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBeTruthy()
    .catch((error: unknown) => {
      throw new Error(`no code for ${email} in:\n${local.output().slice(-3000)}`, { cause: error });
    });
  return code!;
}

/** The Stripe-compatible local server's hosted page (`/pay/<session>`), shown. */
async function onPaymentPage(page: Page) {
  await page.waitForURL(/\/pay\/[^/]+$/);
  await page.getByRole('heading', { name: /^Pay / }).waitFor();
}

/** Pays on the hosted page with a test card. */
async function payWith(page: Page, card: string) {
  await page.getByLabel('Card number').fill(card);
  await page.getByRole('button', { name: /^Pay / }).click();
}

async function addAddressInAccount(page: Page) {
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Add an address' }).click();
  await page.getByLabel('Street').fill('221B Baker Street');
  await page.getByLabel('City').fill('London');
  await page.getByLabel('Postal code').fill('NW1 6XE');
  await page.getByLabel('Country').selectOption({ label: 'United Kingdom' });
  await page.getByRole('button', { name: 'Save address' }).click();
  await page.getByText('221B Baker Street, London').waitFor();
}

/** From the header's cart link to the checkout page. */
async function cartToCheckout(page: Page) {
  await page.getByRole('link', { name: /Cart/ }).click();
  await page.getByRole('link', { name: 'Checkout' }).click();
}

/** A signed-in shopper with an address and a Headlamp in the cart, on the checkout page. */
async function headlampAtCheckout(page: Page) {
  await addAddressInAccount(page);
  await addToCart(page, 'Headlamp');
  await cartToCheckout(page);
  await page.getByRole('button', { name: 'Place order' }).waitFor();
}

async function addToCart(page: Page, query: string) {
  await page.getByRole('link', { name: 'Catalogue' }).click();
  await page.getByLabel('Search products').fill(query);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: `Results for “${query}”` }).waitFor();
  await page.getByTestId('product-list').getByRole('link', { name: query }).first().click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();
}

describe('the web app against pnpm local', () => {
  it('(a) a shopper: sign up, address, search, cart, checkout, then cancels the order', async () => {
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    await page.goto('/');
    await page.getByTestId('product-list').waitFor();
    await check(w, 'catalogue');

    // Category navigation and paging.
    await page
      .getByRole('navigation', { name: 'Categories' })
      .getByRole('link', { name: /pantry/ })
      .click();
    await page.getByRole('heading', { name: 'pantry' }).waitFor();
    const pantry = page.getByTestId('product-list').getByRole('listitem');
    await expect.poll(() => pantry.count()).toBeGreaterThan(0);
    await page
      .getByRole('navigation', { name: 'Categories' })
      .getByRole('link', { name: 'All' })
      .click();
    const all = page.getByTestId('product-list').getByRole('listitem');
    await expect.poll(() => all.count()).toBe(12);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => all.count()).toBe(24);

    await page.getByRole('link', { name: 'Sign in' }).click();
    await check(w, 'sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await check(w, 'sign-up');
    const email = `web-${randomUUID().slice(0, 8)}@example.com`;
    await signUpInBrowser(page, email);

    await addAddressInAccount(page);
    await check(w, 'account');

    await addToCart(page, 'Headlamp');
    await check(w, 'product');
    await page.reload();
    await page.getByRole('link', { name: /Cart/ }).click();
    await page.getByRole('link', { name: 'Headlamp' }).waitFor(); // kept across the reload
    await check(w, 'cart');

    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('radio', { name: /221B Baker Street/ }).waitFor();
    expect(await page.getByRole('radio', { name: /221B Baker Street/ }).isChecked()).toBe(true);
    await check(w, 'checkout');
    await page.getByRole('button', { name: 'Place order' }).click();
    // On to the provider's hosted page; the shopper comes back without paying.
    await onPaymentPage(page);
    await page.getByRole('link', { name: 'Cancel and return to the shop' }).click();
    await page.getByText('Pending', { exact: true }).waitFor();
    await page
      .getByTestId('payment-status')
      .getByText(/Not paid yet/)
      .waitFor();
    // The API's actions: an unpaid order of one's own may be paid or cancelled.
    await page.getByRole('button', { name: 'Pay now' }).waitFor();
    await check(w, 'order');

    // Cancelling asks first: "Keep it" changes nothing, the dialog's "Cancel order" cancels.
    await page.getByRole('button', { name: 'Cancel order' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel this order?' });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByText('Pending', { exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await check(w);
    await dialog.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByText('Cancelled', { exact: true }).first().waitFor();
    // No action is left on a cancelled order.
    await expect
      .poll(() => page.getByRole('button', { name: /Pay now|Cancel order/ }).count())
      .toBe(0);
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    // The history reads userId-index, which (like AWS's) catches up after a moment: a reload
    // shows the cancellation once it has.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('list', { name: 'Orders' }).waitFor();
          return page.getByRole('list', { name: 'Orders' }).getByText('Cancelled').count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await check(w, 'orders');

    const api = await pageClient(page);
    const orders = await api.orders.list.query();
    expect(orders.items.map((o) => o.status)).toEqual(['CANCELLED']);

    // The same catalogue on a phone-sized screen.
    const phone = await newContext({ width: 390, height: 844 });
    const p = await watchedPage(phone);
    await p.page.goto('/');
    await p.page.getByTestId('product-list').waitFor();
    await check(p, 'catalogue-phone');
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await p.page.getByTestId('product-list').getByRole('link').first().click();
    await p.page.getByRole('button', { name: 'Add to cart' }).click();
    await p.page.getByRole('link', { name: /^Cart/ }).click();
    await check(p, 'cart-phone');

    expect([...w.errors, ...p.errors]).toEqual([]);
    await context.close();
    await phone.close();
  });

  it("checks every field of a form at once, with the API's own rules, before sending", async () => {
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('users.signUp')) sent.push(r.url());
    });
    await page.goto('/signup');
    await page.getByLabel('Email').fill('not an address');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Every field's message at once, in plain words, tied to its field.
    const messageOf = async (label: string) => {
      const field = page.getByLabel(label, { exact: true });
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      const ids = (await field.getAttribute('aria-describedby'))!.split(' ');
      return page.locator(`[id="${ids[0]}"]`).textContent();
    };
    expect(await messageOf('First name')).toBe('Please fill this in.');
    expect(await messageOf('Last name')).toBe('Please fill this in.');
    expect(await messageOf('Email')).toBe('Enter an e-mail address such as name@example.com.');
    expect(await messageOf('Password')).toBe('Password must be at least 8 characters');
    await page.getByRole('alert').getByText('Please correct the fields marked above.').waitFor();
    await check(w);
    expect(sent).toEqual([]);
    // The same rules on the other forms: the stock adjustment's "not 0" is the API's.
    await signInInBrowser(page, LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    await page.goto('/admin/products/seed-outdoor-4');
    await page.getByLabel('Adjust by').fill('0');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    expect(await messageOf('Adjust by')).toBe('Must not be 0');
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('(b) an admin: login, adjusts stock, moves an order PENDING → PAID → SHIPPED', async () => {
    // A shopper's order, placed through the API.
    const email = `queue-${randomUUID().slice(0, 8)}@example.com`;
    await anonymous().users.signUp.mutate({
      email,
      password: PASSWORD,
      firstName: 'Q',
      lastName: 'Ueue',
    });
    // Tokens live 5 s: a session refreshes them, as the app's does.
    const session = createSession();
    const shopper = createShopClient({ url: apiUrl, session });
    session.signIn(await shopper.users.login.mutate({ email, password: PASSWORD }));
    const address = await shopper.addresses.create.mutate({
      street: '1 Queue Lane',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    });
    const product = (await anonymous().products.search.query({ query: 'Headlamp' })).items[0]!;
    const order = await shopper.orders.create.mutate({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });

    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    await signInInBrowser(page, LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Order queue' }).waitFor();
    const row = page.locator(`[data-order-id="${order.id}"]`);
    // Each status tab reads status-index, which (like AWS's) catches up after a moment: the
    // admin reloads, as one would.
    const openTab = async (status: string) =>
      expect
        .poll(
          async () => {
            await page.reload();
            await page.getByRole('button', { name: status, exact: true }).click();
            await page.waitForLoadState('networkidle');
            return row.count();
          },
          { timeout: 15_000 },
        )
        .toBe(1);
    await openTab('PENDING');
    await check(w, 'admin-orders');
    // What to ship: the order's lines, readable by the admin; cancelling is its owner's alone.
    await row.getByRole('link').click();
    await page.getByRole('list', { name: 'Order items' }).getByText('1 × Headlamp').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Order queue' }).click();
    await row.waitFor();
    await row.getByRole('button', { name: /Mark paid/ }).click();
    await row.waitFor({ state: 'detached' });
    await openTab('PAID');
    await row.getByRole('button', { name: /Mark shipped/ }).click();
    await row.waitFor({ state: 'detached' });
    await openTab('SHIPPED');
    await row.getByText('Shipped', { exact: true }).waitFor();
    expect((await shopper.orders.byId.query({ id: order.id })).status).toBe('SHIPPED');

    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await check(w, 'admin-products');
    await page.getByRole('link', { name: 'Headlamp' }).click();
    const stock = page.getByTestId('stock');
    await stock.waitFor();
    const before = Number(await stock.textContent());
    await page.getByLabel('Adjust by').fill('5');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    await expect.poll(async () => Number(await stock.textContent())).toBe(before + 5);
    await check(w, 'admin-product-edit');
    expect((await anonymous().products.byId.query({ id: product.id })).stock).toBe(before + 5);

    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Name').fill('Web Test Lantern');
    await page.getByLabel('Description').fill('A lantern made by the browser test.');
    // The picker offers the existing categories and says which one a spelling joins.
    await page.getByLabel('Category').fill('Outdoor');
    await page.getByText('Files under the existing category “outdoor”.').waitFor();
    await page.getByLabel('Category').fill('outdoor');
    // Money as people type it.
    await page.getByLabel('Price (USD)').fill('$24.50');
    await page.getByLabel('Initial stock').fill('3');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('heading', { name: 'Edit Web Test Lantern' }).waitFor();
    await page.getByRole('status').getByText('Created Web Test Lantern.').waitFor();
    // Found by search (search-index, like AWS's, catches up after a moment); listings show
    // availability, the count is read by key (contract v3.1).
    await expect
      .poll(
        async () =>
          (await anonymous().products.search.query({ query: 'Web Test Lantern' })).items[0],
        { timeout: 10_000 },
      )
      .toMatchObject({ price: 2450, soldOut: false, category: 'outdoor' });
    const lantern = (await anonymous().products.search.query({ query: 'Web Test Lantern' }))
      .items[0]!;
    expect((await anonymous().products.byId.query({ id: lantern.id })).stock).toBe(3);

    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('(c) an access token expiring mid-session is refreshed without the shopper noticing', async () => {
    const { context, w, page, email } = await newShopper('refresh');
    const first = await page.evaluate(() => localStorage.getItem('shop.session'));
    const refreshes: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('users.refresh')) refreshes.push(r.url());
    });
    // Past the access token's lifetime.
    await page.waitForTimeout((TOKEN_TTL_SECONDS + 1) * 1000);
    await page.getByRole('link', { name: 'Account' }).click();
    await expect.poll(() => page.getByTestId('me-email').textContent()).toBe(email);
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByText('No orders yet.').waitFor();
    expect(refreshes.length).toBeGreaterThan(0);
    const after = await page.evaluate(() => localStorage.getItem('shop.session'));
    const token = (raw: string | null) => (JSON.parse(raw ?? '{}') as SessionTokens).accessToken;
    expect(token(after)).not.toBe(token(first));
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('(c2) a token the API refuses while the page thinks it valid is refreshed and the call retried', async () => {
    const { context, w, page, email } = await newShopper('refused');
    await page.waitForTimeout((TOKEN_TTL_SECONDS + 1) * 1000);
    // A device clock running behind: the stored expiry says an hour left, the API says expired.
    await page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem('shop.session') ?? '{}') as object;
      localStorage.setItem(
        'shop.session',
        JSON.stringify({ ...stored, expiresAt: Date.now() + 3_600_000 }),
      );
    });
    const answers: string[] = [];
    page.on('response', (r) => {
      const procedures = new URL(r.url()).pathname.replace(/^\/api\//, '');
      if (/users\.(me|refresh)/.test(procedures)) answers.push(`${procedures} ${r.status()}`);
    });
    await page.reload();
    await page.getByRole('link', { name: 'Account' }).click();
    await expect.poll(() => page.getByTestId('me-email').textContent()).toBe(email);
    // Refused (401), refreshed, then the same call answered. (Later refreshes are this test's
    // 5 s tokens inside the page's 30 s refresh margin, as in (c); one refresh for concurrent
    // calls is the client's own test.)
    expect(answers[0]).toMatch(/users\.me.* 401$/);
    expect(answers[1]).toBe('users.refresh 200');
    expect(answers.slice(2)).toContainEqual(expect.stringMatching(/users\.me.* 200$/));
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    // The refused request is the only thing the browser reports.
    expect(w.errors.filter((e) => !e.includes('401'))).toEqual([]);
    await context.close();
  });

  it('(d) a double-clicked checkout places exactly one order', async () => {
    const { context, w, page } = await newShopper('double');
    await headlampAtCheckout(page);
    // Every orders.create the page sends, and the order each answer names.
    const sent: Promise<string[]>[] = [];
    page.on('request', (request) => {
      if (!request.url().includes('orders.create')) return;
      sent.push(
        request.response().then(async (response) => {
          // None: the page had left for the payment page (the stock check below covers it).
          if (!response) return [];
          const body = (await response.json()) as unknown;
          return (Array.isArray(body) ? body : [body]).map(
            (r) => (r as { result: { data: { id: string } } }).result.data.id,
          );
        }),
      );
    });
    const { id: headlampId } = (await anonymous().products.search.query({ query: 'Headlamp' }))
      .items[0]!;
    const headlamp = await anonymous().products.byId.query({ id: headlampId });
    const api = await pageClient(page); // read while the page is still the shop's
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await onPaymentPage(page);
    // Every answer names the same order, and the stock (read by key) moved once: there is no
    // second order, now or later (a wait for a lagging index could not prove that).
    const ids = (await Promise.all(sent)).flat();
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(1);
    expect((await anonymous().products.byId.query({ id: headlamp.id })).stock).toBe(
      headlamp.stock - 1,
    );
    // The history (userId-index, which catches up after a moment, as AWS's does) shows it alone.
    await expect
      .poll(async () => (await api.orders.list.query()).items.map((o) => o.id), {
        timeout: 10_000,
      })
      .toEqual([ids[0]]);
    expect(w.errors).toEqual([]);
    await context.close();
  });
});

describe('passwords, account deletion and admin rights', () => {
  it('(e) a shopper resets a forgotten password with the code pnpm local prints', async () => {
    const email = `forgot-${randomUUID().slice(0, 8)}@example.com`;
    await anonymous().users.signUp.mutate({
      email,
      password: PASSWORD,
      firstName: 'For',
      lastName: 'Got',
    });
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await check(w);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText(`If ${email} has an account, we sent it a code.`).waitFor();
    // The dev server (import.meta.env.DEV) tells the local user where the code is.
    expect(await page.getByTestId('local-code-hint').textContent()).toBe(
      'In pnpm local, the code is printed in its terminal.',
    );
    await check(w, 'reset-password');

    await page.getByLabel('Code').fill(await printedCode(email));
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed. Sign in with the new one.').waitFor();
    await check(w);

    await signInRefused(w, email, PASSWORD);
    await signInInBrowser(page, email, NEW_PASSWORD);
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('(f) a shopper changes the password, then deletes the account', async () => {
    const { context, w, page, email } = await newShopper('change');
    await page.getByRole('link', { name: 'Account' }).click();
    const password = page.getByRole('region', { name: 'Change password' });
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password').fill(NEW_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('Password changed.').waitFor();
    await check(w);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();

    // The old password no longer works; the new one does.
    await signInRefused(w, email, PASSWORD);
    await signInInBrowser(page, email, NEW_PASSWORD);

    await page.getByRole('link', { name: 'Account', exact: true }).click();
    const danger = page.getByRole('region', { name: 'Delete account' });
    await danger.getByLabel('Password to confirm').fill(NEW_PASSWORD);
    await danger.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.getByTestId('product-list').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('shop.session'))).toBeNull();

    // The account is gone: signing in fails, in the page and through the API.
    await signInRefused(w, email, NEW_PASSWORD);
    await expect(
      anonymous().users.login.mutate({ email, password: NEW_PASSWORD }),
    ).rejects.toThrow();
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('(g) an admin makes another user an admin; their next sign-in shows the admin menu', async () => {
    const email = `promoted-${randomUUID().slice(0, 8)}@example.com`;
    await anonymous().users.signUp.mutate({
      email,
      password: PASSWORD,
      firstName: 'Pro',
      lastName: 'Moted',
    });
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    await signInInBrowser(page, LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('list', { name: 'Users' }).waitFor();
    const users = page.getByRole('list', { name: 'Users' }).getByRole('listitem');
    const search = async (prefix: string) => {
      await page.getByLabel(/Find users by e-mail/).fill(prefix);
      await page.getByRole('button', { name: 'Search' }).click();
    };
    // Found by the beginning of the e-mail (users.adminList's emailPrefix).
    await search(LOCAL_ADMIN.email);
    await page.getByText(`${LOCAL_ADMIN.email} (you)`).waitFor();
    // An admin cannot change their own right: no button beside their own account.
    expect(
      await page.getByRole('button', { name: new RegExp(`admin: ${LOCAL_ADMIN.email}`) }).count(),
    ).toBe(0);
    // The new account reaches email-index (like AWS's) after a moment: search again until it has.
    const grant = page.getByRole('button', { name: `Make admin: ${email}` });
    await search(email.slice(0, 17).toUpperCase());
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('heading', { name: 'Users' }).waitFor();
          await page.waitForLoadState('networkidle');
          return grant.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect.poll(() => users.count()).toBe(1);
    await check(w, 'admin-users');
    // Granting asks first; "Keep it" grants nothing.
    const dialog = page.getByRole('alertdialog', { name: 'Make this user an administrator?' });
    await grant.click();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    await grant.click();
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await page.getByRole('status').getByText(`${email} is now an administrator.`).waitFor();
    await page.getByRole('button', { name: `Remove admin: ${email}` }).waitFor();
    expect(w.errors).toEqual([]);

    const other = await newContext();
    const o = await watchedPage(other);
    await signInInBrowser(o.page, email, PASSWORD);
    await o.page.getByRole('link', { name: 'Admin' }).click();
    await o.page.getByRole('heading', { name: 'Order queue' }).waitFor();
    expect(o.errors).toEqual([]);
    await context.close();
    await other.close();
  });
});

/** Every visible link and button in `scope`, with its height (touch targets). */
async function targetHeights(page: Page, selector: string) {
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => ({
        name: (e.textContent ?? '').trim() || e.getAttribute('aria-label') || e.tagName,
        height: e.getBoundingClientRect().height,
      })),
  );
}

describe('a designed storefront, on desktop and phone', () => {
  for (const [device, viewport] of [
    ['desktop', { width: 1100, height: 800 }],
    ['phone', PHONE],
  ] as const) {
    it(`(${device}) the catalogue: pictures shipped with the app, a placeholder for a broken one, touch targets, a one-row header`, async () => {
      const context = await newContext(viewport);
      const w = await watchedPage(context);
      const { page } = w;
      const outside: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(webUrl) && !r.url().startsWith(apiUrl)) outside.push(r.url());
      });
      // One picture fails to load: its card shows the designed placeholder instead.
      await page.route('**/images/products/books-1.webp', (route) =>
        route.fulfill({ status: 404 }),
      );
      await page.goto('/');
      const list = page.getByTestId('product-list');
      await list.waitFor();
      expect(await page.title()).toBe('All products · Shop');
      // Pictures below the fold load lazily: bring each card into view.
      for (const card of await list.getByRole('listitem').all())
        await card.scrollIntoViewIfNeeded();
      await expect.poll(() => list.getByTestId('image-placeholder').count()).toBe(1);
      await page.evaluate(() => window.scrollTo(0, 0));
      const loaded = await list.locator('img').evaluateAll((images) =>
        (images as HTMLImageElement[]).map((i) => ({
          src: i.getAttribute('src'),
          ok: i.naturalWidth > 0,
        })),
      );
      expect(loaded.length).toBeGreaterThan(0);
      for (const image of loaded.filter((i) => i.ok))
        expect(image.src).toMatch(/^\/images\/products\//);
      // Two cards per row on a phone (four on a desktop).
      const boxes = await list
        .getByRole('listitem')
        .evaluateAll((items) => items.slice(0, 5).map((i) => i.getBoundingClientRect().top));
      const perRow = boxes.filter((top) => Math.abs(top - boxes[0]!) < 2).length;
      expect(perRow).toBe(device === 'phone' ? 2 : 4);
      // The header is one row: brand, menu and cart share it.
      const header = await page.locator('.site-header').boundingBox();
      expect(header!.height).toBeLessThan(70);
      // Touch targets: 24 px everywhere, 44 px for the primary actions.
      for (const target of await targetHeights(
        page,
        'header a, header button, main a, main button',
      )) {
        expect(target.height, target.name).toBeGreaterThanOrEqual(24);
      }
      for (const target of await targetHeights(
        page,
        '.menu-button, .cart-link, form[role="search"] button',
      )) {
        expect(target.height, target.name).toBeGreaterThanOrEqual(44);
      }
      if (device === 'phone') {
        expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Menu' }).click();
        expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe(
          'true',
        );
        await page.getByRole('link', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(false);
      }
      expect(outside).toEqual([]);
      expect(w.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
      await context.close();
    });

    it(`(${device}) search in a category says so and offers all products; focus and title follow navigation; not-found pages lead back`, async () => {
      const context = await newContext(viewport);
      const w = await watchedPage(context);
      const { page } = w;
      await page.goto('/?category=pantry');
      await page.getByTestId('product-list').waitFor();
      await page.getByLabel('Search in pantry').fill('Café');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('heading', { name: 'Results for “Café”' }).waitFor();
      expect(await page.getByTestId('search-scope').textContent()).toContain(
        'Only products in pantry are searched.',
      );
      await check(w, device === 'phone' ? 'search-phone' : 'search');
      await page.getByRole('link', { name: 'Search all products for “Café”' }).click();
      await expect.poll(() => page.getByTestId('search-scope').count()).toBe(0);
      await page.getByRole('heading', { name: 'Results for “Café”' }).waitFor();
      expect(new URL(page.url()).searchParams.get('category')).toBeNull();

      // In-app navigation: the new page's heading has the focus, the tab its own title.
      await page.getByTestId('product-list').getByRole('link').first().click();
      const heading = page.getByRole('heading', { level: 1 });
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      const name = (await heading.textContent())!;
      expect(await page.title()).toBe(`${name} · Shop`);

      await page.goto('/products/no-such-product');
      await page.getByRole('heading', { name: 'Product not found' }).waitFor();
      expect(await page.title()).toBe('Product not found · Shop');
      await check(w);
      await page.getByRole('link', { name: 'Back to the catalogue' }).click();
      await page.getByTestId('product-list').waitFor();
      await page.goto('/no/such/page');
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await page.getByRole('link', { name: 'Back to the catalogue' }).waitFor();
      expect(w.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
      await context.close();
    });
  }

  it('(phone) a signed-out cart: thumbnails, line totals, sign-up that returns to checkout; the guard returns after sign-in', async () => {
    const context = await newContext(PHONE);
    const w = await watchedPage(context);
    const { page } = w;
    // A stored cart is checked: a line that does not parse is dropped, the good one kept.
    await page.goto('/');
    await page.evaluate(() =>
      localStorage.setItem(
        'shop.cart',
        JSON.stringify({
          state: {
            lines: [
              {
                productId: 'seed-outdoor-4',
                name: 'Headlamp',
                price: 3499,
                imageUrl: 'https://localhost/images/products/outdoor-4.webp',
                quantity: 2,
              },
              { productId: 'x', name: 'Bad', price: 'free', imageUrl: null, quantity: 1 },
            ],
          },
          version: 1,
        }),
      ),
    );
    await page.goto('/cart');
    const lines = page.getByRole('list', { name: 'Cart items' }).getByRole('listitem');
    await expect.poll(() => lines.count()).toBe(1);
    expect(await lines.first().locator('img').count()).toBe(1);
    // The total comes from orders.quote ("…" until it answers).
    await expect.poll(() => page.getByTestId('line-total').textContent()).toBe('$69.98');
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('$69.98');
    await check(w);

    // Signing up from the cart comes back to checkout.
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    const email = `phone-${randomUUID().slice(0, 8)}@example.com`;
    await fillSignUp(page, email, 'Phone');
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/checkout');

    // The address form: every field's message at once, in plain words; the country by name.
    await page.getByRole('button', { name: 'Save address' }).click();
    await page.getByText('Please fill this in.').first().waitFor();
    expect(await page.getByText('Please fill this in.').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByLabel('Street').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('City').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Street').fill('1 Rue de Rivoli');
    await page.getByLabel('City').fill('Paris');
    await page.getByLabel('Postal code').fill('75001');
    await page.getByLabel('Country').selectOption({ label: 'France' });
    await page.getByRole('button', { name: 'Save address' }).click();
    await page.getByRole('radio', { name: /1 Rue de Rivoli, Paris, 75001, France/ }).waitFor();
    await check(w, 'checkout-phone');
    const address = (await (await pageClient(page)).addresses.list.query())[0];
    expect(address?.country).toBe('FR');

    // The payment step on a phone: the provider's hosted page, and back to the unpaid order.
    await page.getByRole('button', { name: 'Place order' }).click();
    await onPaymentPage(page);
    await screenshot(page, 'pay-phone');
    await page.getByRole('link', { name: 'Cancel and return to the shop' }).click();
    await page.getByRole('button', { name: 'Pay now' }).waitFor();
    await check(w, 'order-phone');

    // Deleting an address asks first.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: /^Delete address Sam Phone, 1 Rue de Rivoli/ }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete this address?' });
    await check(w);
    await dialog.getByRole('button', { name: 'Delete address' }).click();
    await page.getByText('No addresses yet').waitFor();

    // Signed out, a guarded page sends to sign-in and back to the page asked for.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('shop.session'))).toBeNull();
    await page.goto('/orders');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/orders');
    await fillSignIn(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orders');
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('a failed request says so in plain words, and "Try again" recovers the whole page without a reload', async () => {
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    // The API is unreachable: every call fails as a network error.
    await context.route(`**/api/**`, (route) => route.abort('connectionrefused'));
    await page.goto('/');
    const alert = page.getByRole('alert');
    await alert
      .getByText('We could not reach the shop.', { exact: false })
      .waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).not.toContain('Failed to fetch');
    await check(w, 'error');
    await context.unroute(`**/api/**`);
    const marker = await page.evaluate(
      () => ((window as unknown as { marker: number }).marker = 42),
    );
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('product-list').waitFor();
    // The categories beside the list recover too, and the page was not reloaded.
    await page
      .getByRole('navigation', { name: 'Categories' })
      .getByRole('link', { name: /pantry/ })
      .waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
      marker,
    );
    await context.close();
  });

  it('an admin finds a product by search, sees all form errors at once, previews the image and gets a message after each change', async () => {
    const context = await newContext();
    const w = await watchedPage(context);
    const { page } = w;
    await signInInBrowser(page, LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    await page.goto('/admin/products');
    await page.getByLabel('Search products').fill('Kite');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('link', { name: 'Kite' }).waitFor();

    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Price (USD)').fill('twelve');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByText('Enter a price such as 34.50 or $34.50.').waitFor();
    // Name, category and price at once.
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Category').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Price (USD)').getAttribute('aria-invalid')).toBe('true');
    await check(w);
    // The preview: a placeholder until a picture loads, then the picture.
    const preview = page.locator('.image-preview');
    await preview.getByTestId('image-placeholder').waitFor();
    await page.getByLabel('Image URL').fill('https://localhost/images/products/toys-4.webp');
    await expect
      .poll(() => preview.locator('img').evaluate((i) => (i as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);

    // Stock: a message after the change.
    await page.goto('/admin/products?q=Kite');
    await page.getByRole('link', { name: 'Kite' }).click();
    await page.getByLabel('Adjust by').fill('1');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    await page
      .getByRole('status')
      .getByText(/Stock updated: \d+ in stock\./)
      .waitFor();
    await page.getByRole('button', { name: 'Save product' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('serves robots.txt and a web app manifest', async () => {
    const robots = await fetch(`${webUrl}/robots.txt`);
    expect(robots.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await robots.text()).toContain('User-agent: *');
    const manifest = (await (await fetch(`${webUrl}/manifest.webmanifest`)).json()) as {
      name: string;
      icons: unknown[];
    };
    expect(manifest.name).toBe('Shop');
    expect(manifest.icons.length).toBeGreaterThan(0);
  });
});

describe('the budgets', () => {
  it('initial JS stays within budget, and the first product list appears', async () => {
    const result = await measureWebBudget({ apiUrl, server: budgetServer, runs: 3 });
    console.log(
      `web budget: initial JS ${(result.initialJsGzipBytes / 1024).toFixed(1)} KB gzip, first product list ${result.firstProductListMs.median} ms (runs ${result.firstProductListMs.runs.join(', ')})`,
    );
    expect(result.initialJs.length).toBeGreaterThan(0);
    expect(result.initialJsGzipBytes).toBeLessThanOrEqual(BUDGETS.initialJsGzipBytes);
    // Time is a budget of the bench (`pnpm bench` reports it with Lighthouse), not of a timed
    // test: on the shared machine (load 20 on 2 cores) the same build measured 0.7–3.8 s. Here
    // only that the list appears.
    expect(result.firstProductListMs.median).toBeGreaterThan(0);
  });
});

describe('checkout with payment (the Stripe-compatible local server)', () => {
  /** Chromium logs an answer of 4xx as a console error: these expected ones, and only they. */
  const expectOnly4xx = (errors: string[], status: number) =>
    expect(
      errors.filter((e) => !e.includes(`status of ${status}`)),
      errors.join('\n'),
    ).toEqual([]);

  it('a shopper pays with 4242 4242 4242 4242 and the order page shows it paid (signed webhook)', async () => {
    const { context, w, page } = await newShopper('pay');
    await headlampAtCheckout(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await onPaymentPage(page);
    await payWith(page, '4242 4242 4242 4242');
    // Back on the order page; the webhook marks it paid a moment later.
    await page.waitForURL(/\/orders\/[^/]+$/);
    await page
      .getByTestId('payment-status')
      .getByText(/^Paid on /)
      .waitFor({ timeout: 30_000 });
    await page.getByText('Paid', { exact: true }).first().waitFor();
    // actions = ['cancel']: Cancel shown, Pay now not.
    const [order] = (await (await pageClient(page)).orders.list.query()).items;
    expect(order).toMatchObject({
      status: 'PAID',
      payment: { status: 'PAID', provider: 'stripe' },
    });
    expect(order!.actions).toEqual(['cancel']);
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Pay now' }).count()).toBe(0);
    await check(w, 'order-paid');
    expect(w.errors).toEqual([]);
    await context.close();
  });

  it('a declined card (4000 0000 0000 0002), then "Pay now" with a good one', async () => {
    const { context, w, page } = await newShopper('declined');
    await headlampAtCheckout(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await onPaymentPage(page);
    await payWith(page, '4000 0000 0000 0002');
    await page.getByRole('alert').getByText('Your card was declined.').waitFor();
    // Back to the shop: still unpaid, and "Pay now" offers the same payment again.
    await page.getByRole('link', { name: 'Cancel and return to the shop' }).click();
    await page
      .getByTestId('payment-status')
      .getByText(/Not paid yet/)
      .waitFor();
    await page.getByRole('button', { name: 'Pay now' }).click();
    await onPaymentPage(page);
    await payWith(page, '4242424242424242');
    await page.waitForURL(/\/orders\/[^/]+$/);
    await page
      .getByTestId('payment-status')
      .getByText(/^Paid on /)
      .waitFor({ timeout: 30_000 });
    expectOnly4xx(w.errors, 402);
    await context.close();
  });

  it('a price raised between cart and checkout: the new total is shown before placing', async () => {
    const adminSession = createSession();
    const admin = createShopClient({ url: apiUrl, session: adminSession });
    adminSession.signIn(
      await admin.users.login.mutate({ email: LOCAL_ADMIN.email, password: LOCAL_ADMIN.password }),
    );
    const product = await admin.products.create.mutate({
      name: `Price test ${randomUUID().slice(0, 8)}`,
      description: 'A product whose price changes during checkout.',
      price: 1000,
      category: 'pantry',
      stock: 5,
    });
    const { context, w, page } = await newShopper('price');
    await addAddressInAccount(page);
    await page.goto(`/products/${product.id}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added to your cart.').waitFor();

    await admin.products.update.mutate({ id: product.id, price: 2500 });
    await page.getByRole('link', { name: /Cart/ }).click();
    await page.getByText('Price changed: was $10.00, now $25.00.').waitFor();
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('$25.00');
    // More than the stock: flagged, and fixed in place.
    await page.getByLabel(`Quantity of ${product.name}`).fill('9');
    await page.getByText('Only 5 left.').waitFor();
    await page.getByRole('button', { name: 'Order 5' }).click();
    await page.getByLabel(`Quantity of ${product.name}`).fill('1');
    await page.getByRole('link', { name: 'Checkout' }).click();
    await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('$25.00');
    await page.getByText(/Prices changed since you added/).waitFor();

    // Raised again while the checkout is open: the API refuses the stale total, nothing is placed.
    await admin.products.update.mutate({ id: product.id, price: 3000 });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page
      .getByRole('alert')
      .getByText(/The total changed from \$25\.00 to \$30\.00/)
      .waitFor();
    await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('$30.00');
    expect((await (await pageClient(page)).orders.list.query()).items).toHaveLength(0);
    await check(w, 'checkout-price-changed');
    await page.getByRole('button', { name: 'Place order' }).click();
    await onPaymentPage(page);
    await page.getByRole('heading', { name: 'Pay $30.00' }).waitFor();
    expectOnly4xx(w.errors, 412);
    await context.close();
    await admin.products.delete.mutate({ id: product.id });
  });
});

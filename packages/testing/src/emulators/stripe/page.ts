import type { CheckoutSessionObject, LineItem } from './objects.ts';

/**
 * The hosted test page: plain HTML forms, no script and no inline style, so it works under a
 * strict Content-Security-Policy (the header is set by the server).
 */
const escape = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export const money = (amount: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 100,
  );

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="/pay/style.css">
</head>
<body>
<main>
<p class="badge">Test mode</p>
${body}
</main>
</body>
</html>
`;
}

export function payPage(
  session: CheckoutSessionObject,
  lines: LineItem[],
  message?: { text: string; card?: string },
): string {
  const total = money(session.amount_total, session.currency);
  const items = lines
    .map(
      (line) =>
        `<li><span>${escape(line.name)} × ${line.quantity}</span> <span>${escape(money(line.unitAmount * line.quantity, session.currency))}</span></li>`,
    )
    .join('\n');
  const error = message ? `<p role="alert" class="error">${escape(message.text)}</p>` : '';
  const cancel = session.cancel_url
    ? `<p><a href="${escape(session.cancel_url)}">Cancel and return to the shop</a></p>`
    : '';
  return layout(
    `Pay ${total}`,
    `<h1>Pay ${escape(total)}</h1>
<ul class="lines">
${items}
</ul>
${error}
<form method="post" action="/pay/${escape(session.id)}">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" required value="${escape(message?.card ?? '')}">
<p class="hint">Test cards: 4242 4242 4242 4242 (success), 4000 0000 0000 0002 (declined), 4000 0025 0000 3155 (authentication).</p>
<button type="submit">Pay ${escape(total)}</button>
</form>
${cancel}`,
  );
}

export function authenticationPage(session: CheckoutSessionObject): string {
  const action = `/pay/${escape(session.id)}/authenticate`;
  return layout(
    'Authenticate your payment',
    `<h1>Authenticate your payment</h1>
<p>Your bank asks you to confirm a payment of ${escape(money(session.amount_total, session.currency))}.</p>
<form method="post" action="${action}">
<input type="hidden" name="outcome" value="complete">
<button type="submit">Complete authentication</button>
</form>
<form method="post" action="${action}">
<input type="hidden" name="outcome" value="fail">
<button type="submit">Fail authentication</button>
</form>`,
  );
}

export function closedPage(session: CheckoutSessionObject | undefined): string {
  const text =
    session?.status === 'complete'
      ? 'This payment is already complete.'
      : session?.status === 'expired'
        ? 'This checkout session has expired.'
        : 'This checkout session does not exist.';
  return layout('Checkout closed', `<h1>Checkout closed</h1>\n<p role="status">${text}</p>`);
}

export const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#f6f8fa;color:#1a1f36;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px}
.badge{display:inline-block;background:#ffde92;color:#5c3b00;padding:0 .5rem;border-radius:4px;font-size:.8rem}
.lines{list-style:none;padding:0}.lines li{display:flex;justify-content:space-between}
label{display:block;font-weight:600;margin-top:1rem}input{width:100%;font-size:1rem;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;width:100%;padding:.75rem;font-size:1rem;background:#635bff;color:#fff;border:0;border-radius:6px}
.error{color:#b3093c;font-weight:600}.hint{font-size:.8rem;color:#555}
`;

// Crumb & Co., Crumbtrail's demo shop: a tiny vanilla-JS single-page app instrumented with crumbtrail.js.
// Everything shown is built with textContent/createElement, never innerHTML: names and events are text.
(function () {
'use strict';

// --- The tracker's snippet: a queue stub, so calls made before /crumbtrail.js loads are kept. -------------
(function () {
  var c = (window.crumbtrail = window.crumbtrail || []);
  if (c.__crumbtrail || c.invoked) return;
  c.invoked = true;
  ['page', 'track', 'identify', 'alias', 'group', 'reset', 'consent', 'location', 'flush', 'ready', 'on'].forEach(function (m) {
    c[m] = function () {
      c.push([m].concat([].slice.call(arguments)));
      return c;
    };
  });
  c.load = function (writeKey, options) {
    c._writeKey = writeKey;
    c._options = options || {};
    var s = document.createElement('script');
    s.async = true;
    s.src = (c._options.host || '') + '/crumbtrail.js';
    document.head.appendChild(s);
  };
  var key = document.querySelector('meta[name="crumbtrail-write-key"]').getAttribute('content');
  c.load(key, { requireConsent: true, honorPrivacySignals: true });
  c.page();
})();

/** The tracker: the stub until /crumbtrail.js has loaded, the real thing after. */
function crumbtrail() {
  return window.crumbtrail;
}

// --- Catalogue and cart --------------------------------------------------------------------------------
var PRODUCTS = [
  { product_id: 'sourdough', sku: 'CRB-001', name: 'Country Sourdough', category: 'Bread', price: 7.5 },
  { product_id: 'baguette', sku: 'CRB-002', name: 'Baguette', category: 'Bread', price: 3.2 },
  { product_id: 'rye', sku: 'CRB-003', name: 'Dark Rye', category: 'Bread', price: 6.8 },
  { product_id: 'croissant', sku: 'CRB-004', name: 'Butter Croissant', category: 'Pastry', price: 2.9 },
  { product_id: 'cinnamon-bun', sku: 'CRB-005', name: 'Cinnamon Bun', category: 'Pastry', price: 3.6 },
  { product_id: 'starter', sku: 'CRB-006', name: 'Sourdough Starter Kit', category: 'Kits', price: 19 },
];
var CURRENCY = 'USD';
var BASE = '/demo/shop';

function productById(id) {
  return PRODUCTS.filter(function (p) { return p.product_id === id; })[0];
}

/** The cart is the shop's own state (functional storage), not the tracker's. */
var cart = (function () {
  try {
    var saved = JSON.parse(localStorage.getItem('demo_shop_cart') || 'null');
    if (saved && saved.id && Array.isArray(saved.items)) return saved;
  } catch (e) { /* a broken saved cart starts over */ }
  return { id: 'cart-' + Math.random().toString(36).slice(2, 10), items: [] };
})();

function saveCart() {
  try { localStorage.setItem('demo_shop_cart', JSON.stringify(cart)); } catch (e) { /* private mode */ }
  document.getElementById('cart-link').textContent = 'Cart (' + cart.items.reduce(function (n, i) { return n + i.quantity; }, 0) + ')';
}

function lineProducts() {
  return cart.items.map(function (item) {
    var p = productById(item.product_id);
    return { product_id: p.product_id, sku: p.sku, name: p.name, category: p.category, price: p.price, quantity: item.quantity, currency: CURRENCY };
  });
}

function cartValue() {
  return Math.round(lineProducts().reduce(function (sum, p) { return sum + p.price * p.quantity; }, 0) * 100) / 100;
}

// --- Rendering helpers (text only) ---------------------------------------------------------------------
function h(tag, attrs) {
  var el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === 'on') Object.keys(attrs.on).forEach(function (ev) { el.addEventListener(ev, attrs.on[ev]); });
    else el.setAttribute(k, attrs[k]);
  });
  for (var i = 2; i < arguments.length; i++) {
    var child = arguments[i];
    if (child == null) continue;
    el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return el;
}

function link(href, text, attrs) {
  var a = h('a', Object.assign({ href: href, 'data-link': '' }, attrs || {}), text);
  return a;
}

var money = function (n) { return '$' + n.toFixed(2); };

/** Send e-commerce events after the tracker's page view for the same screen (it runs in a microtask too). */
function afterPageView(fn) {
  queueMicrotask(function () { crumbtrail().ready(fn); });
}

function show(pageName, title, content) {
  document.documentElement.setAttribute('data-crumb-page', pageName);
  document.title = title + ' — Crumb & Co.';
  var view = document.getElementById('view');
  view.replaceChildren(content);
}

// --- Screens -----------------------------------------------------------------------------------------
function productCard(p) {
  return h('li', {}, h('h3', {}, link(BASE + '/product/' + p.product_id, p.name, { 'data-product': p.product_id })), h('p', { class: 'price' }, money(p.price)), h('p', {}, p.category));
}

function listScreen(query) {
  var found = PRODUCTS.filter(function (p) { return !query || (p.name + ' ' + p.category).toLowerCase().indexOf(query.toLowerCase()) >= 0; });
  show(query ? 'Search' : 'Home', query ? 'Search' : 'Fresh bread', h('section', {}, h('h1', {}, query ? 'Results for “' + query + '”' : 'Fresh today'), h('ul', { class: 'products' }, ...found.map(productCard))));
  afterPageView(function () {
    if (query) crumbtrail().ecommerce.productsSearched({ query: query });
    crumbtrail().ecommerce.productListViewed({ list_id: query ? 'search' : 'home', category: query ? undefined : 'All', products: found.map(function (p) { return Object.assign({ currency: CURRENCY }, p); }) });
  });
}

function productScreen(id) {
  var p = productById(id);
  if (!p) return show('Not Found', 'Not found', h('p', {}, 'No such product.'));
  var qty = h('input', { type: 'number', min: '1', value: '1', id: 'quantity', 'aria-label': 'Quantity' });
  var add = h('button', { id: 'add-to-cart', on: { click: function () {
    var quantity = Math.max(1, parseInt(qty.value, 10) || 1);
    var line = cart.items.filter(function (i) { return i.product_id === p.product_id; })[0];
    if (line) line.quantity += quantity; else cart.items.push({ product_id: p.product_id, quantity: quantity });
    saveCart();
    crumbtrail().ecommerce.productAdded({ cart_id: cart.id, product_id: p.product_id, sku: p.sku, name: p.name, category: p.category, price: p.price, quantity: quantity, currency: CURRENCY });
    add.textContent = 'Added ✓';
  } } }, 'Add to cart');
  show('Product', p.name, h('article', { class: 'tall' }, h('h1', {}, p.name), h('p', { class: 'price' }, money(p.price)), h('p', {}, 'Baked this morning. Category: ' + p.category + '.'), qty, ' ', add));
  afterPageView(function () {
    crumbtrail().ecommerce.productViewed({ product_id: p.product_id, sku: p.sku, name: p.name, category: p.category, price: p.price, currency: CURRENCY });
  });
}

/** `refresh`: the cart changed on screen; it was not viewed anew. */
function cartScreen(refresh) {
  var rows = lineProducts().map(function (p) {
    return h('li', {}, p.name + ' × ' + p.quantity + ' ', h('button', { 'data-remove': p.product_id, on: { click: function () {
      cart.items = cart.items.filter(function (i) { return i.product_id !== p.product_id; });
      saveCart();
      crumbtrail().ecommerce.productRemoved({ cart_id: cart.id, product_id: p.product_id, sku: p.sku, name: p.name, price: p.price, quantity: p.quantity, currency: CURRENCY });
      cartScreen(true);
    } } }, 'Remove'));
  });
  show('Cart', 'Your cart', h('section', {}, h('h1', {}, 'Your cart'), rows.length ? h('ul', {}, ...rows) : h('p', {}, 'Empty.'), h('p', {}, 'Total: ' + money(cartValue())), rows.length ? link(BASE + '/checkout', 'Checkout', { id: 'checkout-link' }) : null));
  if (!refresh) afterPageView(function () { crumbtrail().ecommerce.cartViewed({ cart_id: cart.id, products: lineProducts() }); });
}

function checkoutScreen() {
  var orderId = 'order-' + Math.random().toString(36).slice(2, 10);
  var form = h('form', { class: 'checkout', id: 'checkout-form' },
    h('label', {}, 'Email ', h('input', { name: 'email', type: 'email', required: '' })),
    h('label', {}, 'Name ', h('input', { name: 'name', required: '' })),
    h('label', {}, 'Card ', h('input', { name: 'card', value: '4242 4242 4242 4242' })),
    h('button', { id: 'place-order' }, 'Place order'));
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var data = new FormData(form);
    var email = String(data.get('email'));
    var value = cartValue();
    var products = lineProducts();
    crumbtrail().identify(email, { email: email, name: String(data.get('name')) });
    crumbtrail().ecommerce.paymentInfoEntered({ order_id: orderId, cart_id: cart.id, payment_method: 'card' });
    crumbtrail().ecommerce.orderCompleted({ order_id: orderId, cart_id: cart.id, total: value, revenue: value, currency: CURRENCY, products: products });
    cart = { id: 'cart-' + Math.random().toString(36).slice(2, 10), items: [] };
    saveCart();
    navigate(BASE + '/thanks');
  });
  show('Checkout', 'Checkout', h('section', {}, h('h1', {}, 'Checkout'), h('p', {}, 'Total: ' + money(cartValue())), form));
  afterPageView(function () {
    crumbtrail().ecommerce.checkoutStarted({ order_id: orderId, cart_id: cart.id, value: cartValue(), revenue: cartValue(), currency: CURRENCY, products: lineProducts() });
  });
}

function thanksScreen() {
  show('Order Confirmation', 'Thank you', h('section', {}, h('h1', {}, 'Thank you!'), h('p', {}, 'Your bread is on its way. '), link(BASE, 'Back to the shop')));
}

// --- Router --------------------------------------------------------------------------------------------
/** The screen on show (path and query): a hash change alone is not a new screen. */
var shownKey = '';

function render() {
  shownKey = location.pathname + location.search;
  var path = location.pathname.replace(/\/+$/, '');
  var match;
  if ((match = /\/product\/([^/]+)$/.exec(path))) productScreen(decodeURIComponent(match[1]));
  else if (/\/cart$/.test(path)) cartScreen();
  else if (/\/checkout$/.test(path)) checkoutScreen();
  else if (/\/thanks$/.test(path)) thanksScreen();
  else listScreen(new URLSearchParams(location.search).get('q'));
}

function navigate(href) {
  history.pushState(null, '', href);
  render();
  window.scrollTo(0, 0);
}

document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[data-link]');
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', function () {
  if (location.pathname + location.search !== shownKey) render();
});
document.getElementById('search').addEventListener('submit', function (e) {
  e.preventDefault();
  var q = new FormData(e.target).get('q');
  navigate(BASE + '?q=' + encodeURIComponent(String(q || '')));
});

// --- The breadcrumb panel ------------------------------------------------------------------------------
function refreshPanel() {
  var who = window.crumbtrail && window.crumbtrail.__crumbtrail ? window.crumbtrail.user() : null;
  if (!who) return;
  document.getElementById('who-consent').textContent = who.consent;
  document.getElementById('who-anonymous').textContent = who.anonymousId || '—';
  document.getElementById('who-user').textContent = who.userId || '—';
  document.getElementById('who-session').textContent = who.sessionId ? who.sessionId + ' (' + new Date(who.sessionId).toLocaleTimeString() + ')' : '—';
  document.getElementById('who-queued').textContent = String(who.queued);
  document.getElementById('lookup').textContent = who.anonymousId ? 'GET /api/people?anonymousId=' + who.anonymousId : 'GET /api/people?anonymousId=…';
  document.getElementById('consent-banner').hidden = who.consent !== 'pending';
}

crumbtrail().ready(function () {
  crumbtrail().on(function (message) {
    var label = message.type === 'track' ? message.event : message.type + (message.name ? ' ' + message.name : '');
    var log = document.getElementById('crumb-log');
    log.insertBefore(h('li', {}, new Date(message.timestamp).toLocaleTimeString() + ' ' + label), log.firstChild);
    while (log.children.length > 30) log.removeChild(log.lastChild);
    refreshPanel();
  });
  refreshPanel();
  setInterval(refreshPanel, 2000);
});

function decide(analytics) {
  crumbtrail().consent({ analytics: analytics });
  if (!analytics) document.getElementById('crumb-log').replaceChildren();
  refreshPanel();
}
document.getElementById('consent-yes').addEventListener('click', function () { decide(true); });
document.getElementById('consent-no').addEventListener('click', function () { decide(false); });
document.getElementById('consent-withdraw').addEventListener('click', function () { decide(false); });
document.getElementById('share-location').addEventListener('click', function () { crumbtrail().location(); });

saveCart();
render();
})();

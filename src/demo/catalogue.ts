/**
 * The demo shop: "Crumb & Co.", a coffee roaster with a web shop, a membership ("Crumb Club") and a few
 * stores. Everything the generator names — products, stores, acquisition channels, texts — comes from here.
 */

export const SHOP_URL = 'https://shop.crumbtrail.example';
export const CURRENCY = 'USD';

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  slug: string;
}

const product = (n: number, name: string, category: string, price: number): Product => ({
  id: `prod-${String(n).padStart(3, '0')}`,
  sku: `CC-${category.slice(0, 3).toUpperCase()}-${n}`,
  name,
  category,
  price,
  slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/(^-|-$)/g, ''),
});

export const PRODUCTS: readonly Product[] = [
  product(1, 'House Blend 250g', 'coffee', 12.5),
  product(2, 'Ethiopia Yirgacheffe 250g', 'coffee', 16),
  product(3, 'Colombia Huila 250g', 'coffee', 14.5),
  product(4, 'Decaf Swiss Water 250g', 'coffee', 13),
  product(5, 'Espresso Roast 1kg', 'coffee', 42),
  product(6, 'Kenya AA 250g', 'coffee', 18),
  product(7, 'Sencha Green Tea 100g', 'tea', 11),
  product(8, 'Hojicha Roasted Tea 100g', 'tea', 12),
  product(9, 'Paper Filters x100', 'accessories', 6.5),
  product(10, 'Ceramic Dripper', 'equipment', 28),
  product(11, 'Hand Grinder', 'equipment', 65),
  product(12, 'Travel Mug', 'accessories', 24),
  product(13, 'Gooseneck Kettle', 'equipment', 59),
  product(14, 'Cold Brew Bottle', 'equipment', 32),
  product(15, 'Gift Card', 'gifts', 25),
  // The planted "looks interesting, does not sell" page: see PLANTED.dwellTrap.
  product(16, 'Copper Espresso Machine', 'equipment', 1290),
];

export interface Store {
  id: string;
  name: string;
  lat: number;
  lng: number;
  timezone: string;
}

export const STORES: readonly Store[] = [
  { id: 'store-pdx', name: 'Portland Pearl District', lat: 45.5266, lng: -122.6817, timezone: 'America/Los_Angeles' },
  { id: 'store-nyc', name: 'New York Williamsburg', lat: 40.7142, lng: -73.9614, timezone: 'America/New_York' },
  { id: 'store-lon', name: 'London Shoreditch', lat: 51.5245, lng: -0.0779, timezone: 'Europe/London' },
  { id: 'store-tyo', name: 'Tokyo Kiyosumi', lat: 35.6812, lng: 139.7985, timezone: 'Asia/Tokyo' },
  { id: 'store-osa', name: 'Osaka Nakazakicho', lat: 34.7074, lng: 135.5042, timezone: 'Asia/Tokyo' },
];

export interface Region {
  locale: string;
  timezone: string;
  /** Language of the customer's social posts. */
  language: 'en' | 'ja';
  /** At least one: app users send Location Updated pings near one of them. */
  stores: readonly string[];
  weight: number;
}

export const REGIONS: readonly Region[] = [
  { locale: 'en-US', timezone: 'America/Los_Angeles', language: 'en', stores: ['store-pdx'], weight: 3 },
  { locale: 'en-US', timezone: 'America/New_York', language: 'en', stores: ['store-nyc'], weight: 3 },
  { locale: 'en-GB', timezone: 'Europe/London', language: 'en', stores: ['store-lon'], weight: 2 },
  { locale: 'ja-JP', timezone: 'Asia/Tokyo', language: 'ja', stores: ['store-tyo', 'store-osa'], weight: 2 },
];

/** How a customer first arrived: UTM campaign (context.campaign) and/or the landing page's referrer. */
export interface Channel {
  id: string;
  campaign: { source: string; medium: string; name: string } | null;
  referrer: string;
  weight: number;
}

export const CHANNELS: readonly Channel[] = [
  { id: 'google-ads', campaign: { source: 'google', medium: 'cpc', name: 'brand-search' }, referrer: 'https://www.google.com/', weight: 20 },
  { id: 'organic-search', campaign: null, referrer: 'https://www.google.com/', weight: 25 },
  { id: 'instagram', campaign: { source: 'instagram', medium: 'social', name: 'spring-roast' }, referrer: 'https://l.instagram.com/', weight: 15 },
  { id: 'newsletter', campaign: { source: 'newsletter', medium: 'email', name: 'monthly-beans' }, referrer: '', weight: 10 },
  { id: 'affiliate', campaign: { source: 'coffeereview', medium: 'affiliate', name: 'best-grinders' }, referrer: 'https://coffeereview.example/', weight: 8 },
  { id: 'direct', campaign: null, referrer: '', weight: 22 },
];

/** A few browsers; the user agent decides the device type the pipeline derives. */
export const USER_AGENTS = {
  desktop: [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  ],
} as const;

/** Content pages a browsing session wanders through (besides product pages). */
export const CONTENT_PAGES = [
  { name: 'Home', path: '/', title: 'Crumb & Co. — small-batch coffee' },
  { name: 'Category', path: '/c/coffee', title: 'Coffee — Crumb & Co.' },
  { name: 'Category', path: '/c/equipment', title: 'Equipment — Crumb & Co.' },
  { name: 'Blog', path: '/blog/brew-guide', title: 'The pour-over brew guide' },
  { name: 'Club', path: '/club', title: 'Crumb Club membership' },
  { name: 'Help', path: '/help', title: 'Help centre' },
] as const;

export const SEARCH_QUERIES = ['decaf', 'grinder', 'espresso', 'gift', 'kettle', 'ethiopia', 'cold brew', 'hojicha'];

export const PLANS = [
  { plan: 'club', price: 12 },
  { plan: 'club-plus', price: 24 },
] as const;

/** Stated cancel reasons: deliberately unrelated to the hidden cause (customers rarely say why). */
export const CANCEL_REASONS = ['too_expensive', 'not_using_it', 'switching', 'other'];

export const TICKET_TOPICS = ['shipping_delay', 'damaged_item', 'billing', 'product_question', 'account_access'];
export const TICKET_CHANNELS = ['email', 'chat', 'phone'];

export const SOCIAL_NETWORKS = ['x', 'instagram', 'threads'];

/** Social post texts by language and tone; sentiment is the text's score in −1..1. */
export const SOCIAL_TEXTS: Record<'en' | 'ja', Record<'positive' | 'neutral' | 'negative', { text: string; sentiment: number }[]>> = {
  en: {
    positive: [
      { text: 'The Ethiopia roast from @crumbandco is unreal this month. Blueberry notes!', sentiment: 0.85 },
      { text: 'Crumb Club box arrived early again, love these folks', sentiment: 0.8 },
      { text: 'Best hand grinder I have owned, thanks @crumbandco', sentiment: 0.7 },
    ],
    neutral: [
      { text: 'Trying the house blend from @crumbandco today', sentiment: 0.1 },
      { text: 'Anyone compared Crumb & Co. decaf with the supermarket stuff?', sentiment: 0 },
    ],
    negative: [
      { text: 'Third email to @crumbandco support and still no answer. Done.', sentiment: -0.8 },
      { text: 'Card got charged twice by Crumb Club and nobody can explain why', sentiment: -0.75 },
      { text: 'Signing up for @crumbandco took forever, the setup steps are confusing', sentiment: -0.5 },
    ],
  },
  ja: {
    positive: [
      { text: 'クラム＆コーのエチオピア、今月の焙煎は最高。ベリーの香りがすごい！', sentiment: 0.85 },
      { text: '清澄白河のお店のスタッフさんがとても親切でした', sentiment: 0.75 },
      { text: 'ほうじ茶ラテ用の茶葉、リピート確定です', sentiment: 0.7 },
    ],
    neutral: [
      { text: '今日はクラム＆コーのハウスブレンドを試してみる', sentiment: 0.1 },
      { text: 'クラムクラブの会員、続けるか検討中', sentiment: -0.05 },
    ],
    negative: [
      { text: 'サポートに何度も問い合わせたのに返事が来ない。残念です', sentiment: -0.8 },
      { text: 'カード決済が何度も失敗して、サブスクが止まってしまった', sentiment: -0.7 },
      { text: '登録の手順が分かりにくくて、使い始めるまでに時間がかかった', sentiment: -0.5 },
    ],
  },
};

export interface StoreHealth {
  engine: string;
  ok: boolean;
  detail?: string;
}
